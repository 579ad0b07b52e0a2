// The sheet: one row per unit, the items grouped under their categories with their points,
// totals, grade, ranks and outputs; a layer switch and self vs final side by side; a click on
// a cell explains it.
import type { CellClassParams, ColDef, ColGroupDef, GridApi, ITooltipParams, ValueGetterParams } from "ag-grid-community";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, download, problemText, type Column, type Sheet, type UnitResult } from "../api/client";
import { lang, t } from "../i18n";
import { useSignal } from "../signal";
import { me } from "../session";
import { cellProblem, columnTree, difference, formatValue, headerName, mergeLayers, rowMatches, type ColumnNode, type SheetRow } from "../logic";
import { Grid } from "./Grid";
import { ExplainCell } from "./Explain";
import { SchemeNav } from "./SchemeNav";

type Mode = "final" | "self" | "compare";
type Part = "final" | "self" | "diff";
const special = ["total", "grade", "rank", "group_rank"] as const;

function cell(r: UnitResult | undefined, key: string) {
  if (!r) return undefined;
  if ((special as readonly string[]).includes(key)) return r[key as (typeof special)[number]];
  return r.cells[key];
}

export function SheetPage({ code, query }: { code: string; query: URLSearchParams }) {
  const language = useSignal(lang); // the headers are texts of the catalogue
  const [mode, setMode] = useState<Mode>((query.get("layer") as Mode) || "final");
  const [sheets, setSheets] = useState<{ final?: Sheet; self?: Sheet }>({});
  const [err, setErr] = useState("");
  const [group, setGroup] = useState("");
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<{ unit: string; code: string; layer: "final" | "self" } | null>(null);
  const [titles, setTitles] = useState(new Map<string, string>());
  const gridApi = useRef<GridApi<SheetRow> | null>(null);
  const filter = useRef({ group: "", search: "" });
  const modeRef = useRef(mode);
  modeRef.current = mode;

  useEffect(() => {
    const need: ("final" | "self")[] = mode === "compare" ? ["final", "self"] : [mode];
    for (const layer of need) {
      if (sheets[layer]) continue;
      api.GET("/api/v1/schemes/{code}/results", { params: { path: { code }, query: { layer } } }).then(({ data, error }) => {
        if (data) setSheets((s) => ({ ...s, [layer]: data as Sheet }));
        else setErr(problemText(error));
      });
    }
  }, [mode]);
  useEffect(() => {
    api.GET("/api/v1/schemes/{code}/metrics", { params: { path: { code }, query: { limit: 500 } } }).then(({ data }) => {
      if (data) setTitles(new Map(data.items.map((m) => [m.code, m.title])));
    });
  }, []);

  const base = mode === "self" ? sheets.self : sheets.final;
  const ready = mode === "compare" ? sheets.final && sheets.self : base;
  const rows = useMemo<SheetRow[] | null>(() => {
    if (!ready) return null;
    if (mode === "compare") return mergeLayers(sheets.final!.units, sheets.self!.units, "final");
    return base!.units.map((r) => ({ code: r.unit.code, name: r.unit.name, group: r.unit.group ?? "", [mode]: r }));
  }, [ready, mode]);
  const groups = useMemo(() => [...new Set((rows ?? []).map((r) => r.group).filter(Boolean))], [rows]);

  const columnDefs = useMemo(() => {
    const sheet = sheets.final ?? sheets.self;
    if (!sheet) return [];
    return buildColumns(sheet.columns, mode, titles);
  }, [sheets.final, sheets.self, mode, titles, language]);

  useEffect(() => {
    filter.current = { group, search };
    gridApi.current?.onFilterChanged();
  }, [group, search]);

  const onApi = (a: GridApi<SheetRow>) => (gridApi.current = a);
  const options = useMemo(
    () => ({
      getRowId: (p: { data: SheetRow }) => p.data.code,
      enableBrowserTooltips: true,
      suppressCellFocus: false,
      suppressColumnVirtualisation: true,
      tooltipShowDelay: 0,
      localeText: { noRowsToShow: t("noRows"), loadingOoo: t("loading") },
      defaultColDef: { sortable: true, resizable: true, suppressHeaderMenuButton: true, suppressMovable: true, width: 92, wrapHeaderText: true, autoHeaderHeight: true },
      defaultColGroupDef: { headerClass: "group-header" },
      isExternalFilterPresent: () => !!(filter.current.group || filter.current.search),
      doesExternalFilterPass: (n: { data?: SheetRow }) => !!n.data && rowMatches(n.data, filter.current.group, filter.current.search),
      onFirstDataRendered: () => performance.mark("rubric:first-rows"),
      onCellClicked: (e: { data?: SheetRow; colDef: ColDef }) => {
        const id = e.colDef.colId ?? "";
        const [key, part] = id.split("|");
        if (!e.data || !key) return;
        const layer = part === "self" || (!part && modeRef.current === "self") ? "self" : "final";
        setSelected({ unit: e.data.code, code: key === "name" || key === "group" ? "total" : key, layer });
      },
    }),
    [],
  );

  if (err) return <p class="error">{err}</p>;
  return (
    <section class="sheet-page">
      <SchemeNav code={code} active="sheet" />
      <div class="toolbar">
        <div class="seg" role="group" aria-label={t("layer")}>
          {(["final", "self", "compare"] as Mode[]).map((m) => (
            <button key={m} id={`layer-${m}`} class={mode === m ? "on" : ""} onClick={() => { setMode(m); setSelected(null); }}>
              {t(m === "final" ? "layerFinal" : m === "self" ? "layerSelf" : "layerCompare")}
            </button>
          ))}
        </div>
        {me.get()?.role !== "unit" && (
          <select id="group" value={group} onChange={(e) => setGroup(e.currentTarget.value)}>
            <option value="">{t("allGroups")}</option>
            {groups.map((g) => (
              <option key={g} value={g}>{g}</option>
            ))}
          </select>
        )}
        <input id="search" type="search" placeholder={t("search")} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        {rows && <span class="count">{rows.length} {t("units")}</span>}
        {mode === "compare" && me.get()?.role !== "unit" && (
          <button id="compare-xlsx" class="link" onClick={() => download(`/api/v1/schemes/${code}/results/compare?a=self&b=final&format=xlsx`, `${code}-compare-self-final.xlsx`).catch((e) => setErr(problemText(e)))}>
            {t("compareXlsx")}
          </button>
        )}
      </div>
      {(base?.warnings ?? []).length > 0 && (
        <details class="warnings">
          <summary>{t("warnings")} ({base!.warnings.length})</summary>
          <ul>{base!.warnings.map((w, i) => <li key={i}>{w.message}</li>)}</ul>
        </details>
      )}
      <div class="sheet-body">
        {!rows && <p class="loading">{t("loading")}</p>}
        <Grid options={options} columnDefs={columnDefs} rowData={rows} onApi={onApi} />
        {selected && <ExplainCell scheme={code} unit={selected.unit} cell={selected.code} layer={selected.layer} titles={titles} onClose={() => setSelected(null)} />}
      </div>
    </section>
  );
}

/** buildColumns makes the grid's columns: frozen unit columns, the results, items grouped by category, outputs. */
function buildColumns(columns: Column[], mode: Mode, titles: Map<string, string>): (ColDef<SheetRow> | ColGroupDef<SheetRow>)[] {
  const parts: Part[] = mode === "compare" ? ["self", "final", "diff"] : [mode];
  const leaf = (key: string, title: string, numeric: boolean, tip?: string): ColDef<SheetRow> | ColGroupDef<SheetRow> => {
    const defs = parts.map((part) => leafPart(key, part, mode === "compare" ? t(part === "self" ? "selfShort" : part === "final" ? "finalShort" : "diffShort") : title, numeric, titles, tip));
    return mode === "compare" ? { headerName: title, headerTooltip: tip ?? title, children: defs } : defs[0];
  };
  const node = (n: ColumnNode): ColDef<SheetRow> | ColGroupDef<SheetRow> => {
    const title = headerName(n.col, t("points"));
    if (n.children.length === 0) return leaf(n.col.code, title, true, title);
    return { headerName: title, headerTooltip: title, headerClass: "cat", marryChildren: true, children: [...n.children.map(node), leaf(n.col.code, t("total"), true, title)] };
  };
  const tree = columnTree(columns.filter((c) => c.kind !== "output"));
  const outputs = columns.filter((c) => c.kind === "output");
  return [
    {
      headerName: t("unit"),
      children: [
        { colId: "name", headerName: t("unit"), field: "name", pinned: "left", width: 170, cellClass: "unit-name", tooltipValueGetter: (p: ITooltipParams<SheetRow>) => incompleteText(p.data, titles) },
        { colId: "group", headerName: t("group"), field: "group", pinned: "left", width: 84 },
      ],
    },
    {
      headerName: t("results"),
      children: [leaf("total", t("total"), true), leaf("grade", t("grade"), false), leaf("rank", t("rank"), true), leaf("group_rank", t("groupRank"), true)],
    },
    ...tree.map(node),
    ...(outputs.length ? [{ headerName: t("outputs"), children: outputs.map((c) => leaf(c.code, headerName(c, t("points")), true)) }] : []),
  ];
}

function incompleteText(row: SheetRow | undefined, titles: Map<string, string>): string {
  const r = row?.final ?? row?.self;
  if (!r || r.complete) return row?.name ?? "";
  return t("incomplete") + r.missing.map((m) => titles.get(m) ?? m).join("、");
}

function leafPart(key: string, part: Part, headerName: string, numeric: boolean, titles: Map<string, string>, tip?: string): ColDef<SheetRow> {
  const value = (row: SheetRow | undefined) => {
    if (!row) return undefined;
    if (part === "diff") return difference(cell(row.self, key), cell(row.final, key));
    return cell(row[part], key);
  };
  const result = (row: SheetRow | undefined) => (part === "diff" ? undefined : row?.[part]);
  return {
    colId: `${key}|${part}`,
    headerName,
    headerTooltip: tip ?? headerName,
    valueGetter: (p: ValueGetterParams<SheetRow>) => value(p.data),
    valueFormatter: (p) => (p.value === undefined ? "" : part === "diff" && typeof p.value === "number" && p.value > 0 ? "+" + p.value : formatValue(p.value, t("yes"), t("no"))),
    type: numeric ? "rightAligned" : undefined,
    cellClassRules: {
      "cell-error": (p: CellClassParams<SheetRow>) => !!result(p.data)?.errors?.[key],
      "cell-missing": (p: CellClassParams<SheetRow>) => { const r = result(p.data); return !!r && !r.complete && (p.value === null || p.value === undefined); },
      "cell-up": (p: CellClassParams<SheetRow>) => part === "diff" && typeof p.value === "number" && p.value > 0,
      "cell-down": (p: CellClassParams<SheetRow>) => part === "diff" && typeof p.value === "number" && p.value < 0,
    },
    tooltipValueGetter: (p: ITooltipParams<SheetRow>) => cellProblem(result(p.data), key, titles) || undefined,
  };
}
