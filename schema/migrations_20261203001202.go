package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// The migration webhooks (issue 12): subscriptions, a durable outbox of events and one
// delivery row per (hook, event). An event is written in the transaction of the change it
// reports, so a change is never without its event nor an event without its change; a delivery
// is claimed for a lease (claimed_until) by one process at a time, retried with backoff
// (next_at) and kept as the hook's delivery log.
func migrationWebhooks() migrate.Migration {
	return migrate.Migration{Name: "20261203001202", Comment: "webhooks",
		Up: txMigration(createWebhooks), Down: txMigration(dropWebhooks)}
}

// The tables as the migration creates them; they never change.
type (
	v5Webhook struct {
		bun.BaseModel `bun:"table:webhooks"`
		ID            int64     `bun:"id,pk,autoincrement"`
		URL           string    `bun:"url,type:text,notnull"`
		Events        string    `bun:"events,type:text,notnull"`
		Secret        string    `bun:"secret,notnull"`
		Who           string    `bun:"who,notnull"`
		CreatedAt     time.Time `bun:"created_at,notnull"`
	}
	v5Event struct {
		bun.BaseModel `bun:"table:webhook_events"`
		ID            int64     `bun:"id,pk,autoincrement"`
		Event         string    `bun:"event,notnull"`
		SchemeCode    string    `bun:"scheme_code,notnull"`
		Payload       string    `bun:"payload,type:text,notnull"`
		CreatedAt     time.Time `bun:"created_at,notnull"`
	}
	v5Delivery struct {
		bun.BaseModel `bun:"table:webhook_deliveries"`
		ID            int64      `bun:"id,pk,autoincrement"`
		HookID        int64      `bun:"hook_id,notnull"`
		EventID       int64      `bun:"event_id,notnull"`
		Status        string     `bun:"status,notnull"`
		Attempts      int        `bun:"attempts,notnull"`
		NextAt        time.Time  `bun:"next_at,notnull"`
		ClaimedUntil  *time.Time `bun:"claimed_until"`
		LastStatus    int        `bun:"last_status,notnull"`
		LastError     string     `bun:"last_error,type:text,notnull"`
		DeliveredAt   *time.Time `bun:"delivered_at"`
		CreatedAt     time.Time  `bun:"created_at,notnull"`
	}
)

func createWebhooks(ctx context.Context, tx bun.Tx) error {
	for _, t := range []struct {
		model any
		fks   []string
	}{
		{(*v5Webhook)(nil), nil},
		{(*v5Event)(nil), nil},
		{(*v5Delivery)(nil), []string{`("hook_id") REFERENCES "webhooks" ("id") ON DELETE CASCADE`,
			`("event_id") REFERENCES "webhook_events" ("id") ON DELETE CASCADE`}},
	} {
		q := tx.NewCreateTable().Model(t.model).IfNotExists()
		for _, fk := range t.fks {
			q = q.ForeignKey(fk)
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
	}
	for _, ix := range []struct {
		name    string
		columns []string
	}{
		{"webhook_deliveries_due_idx", []string{"status", "next_at"}},
		{"webhook_deliveries_hook_idx", []string{"hook_id", "id"}},
	} {
		if _, err := tx.NewCreateIndex().Table("webhook_deliveries").Index(ix.name).Column(ix.columns...).IfNotExists().Exec(ctx); err != nil {
			return err
		}
	}
	_, err := tx.NewCreateIndex().Table("webhook_deliveries").Index("webhook_deliveries_once_idx").Unique().
		Column("hook_id", "event_id").IfNotExists().Exec(ctx)
	return err
}

func dropWebhooks(ctx context.Context, tx bun.Tx) error {
	for _, m := range []any{(*v5Delivery)(nil), (*v5Event)(nil), (*v5Webhook)(nil)} {
		if _, err := tx.NewDropTable().Model(m).IfExists().Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
