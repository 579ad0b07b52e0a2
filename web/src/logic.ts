// The console's logic that is not drawing: columns of the sheet, layers side by side, the
// impact of a change, the diff of two revisions, formula completions. Pure functions, tested
// by vitest (logic.test.ts).
import type { CellValue, Column, Problem, Schemas, UnitResult } from "./api/client";

type Doc = Schemas["SchemeDocument"];
type Item = Schemas["Item"];
type UnitImpact = Schemas["UnitImpact"];

/** ColumnNode is a column of the sheet with the columns of its children (a category's). */
export interface ColumnNode {
  col: Column;
  children: ColumnNode[];
}

/** columnTree nests the sheet's columns (in document order, each naming its parent). */
export function columnTree(columns: Column[]): ColumnNode[] {
  const byCode = new Map<string, ColumnNode>();
  const roots: ColumnNode[] = [];
  for (const col of columns) {
    const node = { col, children: [] };
    byCode.set(col.code, node);
    const parent = col.parent ? byCode.get(col.parent) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** headerName is a column's title with its points (分) or its unit, as in the XLSX. */
export function headerName(col: Column, points: string): string {
  if (col.kind !== "output" && col.max_points != null) {
    const sign = col.kind === "deduction" ? "−" : col.kind === "bonus" ? "+" : "";
    return `${col.title}（${sign}${col.max_points}${points}）`;
  }
  return col.unit ? `${col.title}（${col.unit}）` : col.title;
}

/** exact is x without the binary noise of a difference (8.8 − 10 is −1.2, not −1.1999…). */
export function exact(x: number): number {
  return Number(x.toPrecision(12));
}

/** difference is b − a of two cells, or null when either is not a number. */
export function difference(a: CellValue | undefined, b: CellValue | undefined): number | null {
  if (typeof a !== "number" || typeof b !== "number") return null;
  return exact(b - a);
}

/** formatValue writes a cell for people: numbers as the server computed them, 是/否, — for none. */
export function formatValue(v: CellValue | undefined, yes: string, no: string): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? yes : no;
  return String(v);
}

/** SheetRow is one unit of the grid: its result on one layer, or on both side by side. */
export interface SheetRow {
  code: string;
  name: string;
  group: string;
  final?: UnitResult;
  self?: UnitResult;
}

/** mergeLayers pairs the rows of two layers by unit, in the order of the first. */
export function mergeLayers(first: UnitResult[], second: UnitResult[], firstLayer: "final" | "self"): SheetRow[] {
  const other = new Map(second.map((r) => [r.unit.code, r]));
  const secondLayer = firstLayer === "final" ? "self" : "final";
  return first.map((r) => ({
    code: r.unit.code,
    name: r.unit.name,
    group: r.unit.group ?? "",
    [firstLayer]: r,
    [secondLayer]: other.get(r.unit.code),
  }));
}

/** rowMatches says whether a row passes the group filter and the search of unit names. */
export function rowMatches(row: { name: string; code: string; group: string }, group: string, search: string): boolean {
  if (group && row.group !== group) return false;
  const q = search.trim().toLowerCase();
  return !q || row.name.toLowerCase().includes(q) || row.code.toLowerCase().includes(q);
}

/** cellProblem is why a cell has no number: its error, or the metrics it lacks (by title). */
export function cellProblem(r: UnitResult | undefined, code: string, titles: Map<string, string>): string {
  if (!r) return "";
  const err = r.errors?.[code];
  if (err) return err;
  const v = code in r.cells ? r.cells[code] : undefined;
  if ((v === null || v === undefined) && !r.complete && r.missing.length > 0) {
    return r.missing.map((m) => (titles.get(m) ? `${titles.get(m)} (${m})` : m)).join("、");
  }
  return "";
}

/** totalChange is the size of a unit's change of total (a unit newly without a total counts most). */
export function totalChange(u: UnitImpact): number {
  if (u.old_total == null || u.new_total == null) return u.old_total == u.new_total ? 0 : Infinity;
  return Math.abs(exact(u.new_total - u.old_total));
}

/** moneyChange is the size of a unit's change of money: Σ |new − old| of its outputs in money (unit 元). */
export function moneyChange(u: UnitImpact, money: Set<string>): number {
  let sum = 0;
  for (const o of u.outputs ?? []) {
    if (!money.has(o.code)) continue;
    const d = difference(o.old, o.new);
    sum += d === null ? (o.old === o.new ? 0 : Infinity) : Math.abs(d);
  }
  return exact(sum);
}

/** moves says whether a change moves a unit: its total, rank or grade, an output, or a cell that becomes an error. */
export function moves(u: UnitImpact): boolean {
  return u.changed || (u.outputs ?? []).length > 0 || Object.keys(u.new_errors ?? {}).length > 0;
}

/**
 * changedUnits lists the units a change moves, the largest change of total first, then of
 * money (the outputs in money), then of rank.
 */
export function changedUnits(units: UnitImpact[], money: Set<string> = new Set()): UnitImpact[] {
  const rank = (u: UnitImpact) => Math.abs((u.new_rank ?? 0) - (u.old_rank ?? 0));
  return units
    .filter(moves)
    .sort((a, b) => totalChange(b) - totalChange(a) || moneyChange(b, money) - moneyChange(a, money) || rank(b) - rank(a) || a.unit.localeCompare(b.unit));
}

/** Change is one difference between two revisions of a scheme. */
export interface Change {
  what: "item" | "output" | "metric" | "param" | "grade" | "scheme";
  code: string;
  field: string;
  old: string;
  new: string;
}

function flatItems(items: Item[] | undefined, out = new Map<string, Item>()): Map<string, Item> {
  for (const it of items ?? []) {
    out.set(it.code, it);
    flatItems(it.children, out);
  }
  return out;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function compareRecords<T extends { code: string }>(what: Change["what"], a: Map<string, T>, b: Map<string, T>, fields: (keyof T)[], out: Change[]) {
  for (const [code, x] of a) {
    const y = b.get(code);
    if (!y) {
      out.push({ what, code, field: "", old: text((x as { title?: string }).title ?? code), new: "" });
      continue;
    }
    for (const f of fields) {
      if (text(x[f]) !== text(y[f])) out.push({ what, code, field: String(f), old: text(x[f]), new: text(y[f]) });
    }
  }
  for (const [code, y] of b) {
    if (!a.has(code)) out.push({ what, code, field: "", old: "", new: text((y as { title?: string }).title ?? code) });
  }
}

/** revisionDiff lists what changed from revision a to revision b: items, formulas, metrics, outputs, params, grades. */
export function revisionDiff(a: Doc, b: Doc): Change[] {
  const out: Change[] = [];
  for (const f of ["title", "period", "issuer", "total_points", "precision"] as const) {
    if (text(a[f]) !== text(b[f])) out.push({ what: "scheme", code: "", field: f, old: text(a[f]), new: text(b[f]) });
  }
  compareRecords("item", flatItems(a.items), flatItems(b.items), ["title", "kind", "max_points", "formula", "criteria", "evidence"], out);
  const byCode = <T extends { code: string }>(xs: T[] | undefined) => new Map((xs ?? []).map((x) => [x.code, x]));
  compareRecords("output", byCode(a.outputs), byCode(b.outputs), ["title", "unit", "precision", "formula"], out);
  compareRecords("metric", byCode(a.metrics), byCode(b.metrics), ["title", "type", "unit", "min", "max", "default"], out);
  const params = new Set([...Object.keys(a.params ?? {}), ...Object.keys(b.params ?? {})]);
  for (const p of [...params].sort()) {
    if (text(a.params?.[p]) !== text(b.params?.[p])) out.push({ what: "param", code: p, field: "", old: text(a.params?.[p]), new: text(b.params?.[p]) });
  }
  if (text(a.grades) !== text(b.grades)) out.push({ what: "grade", code: "", field: "grades", old: text(a.grades), new: text(b.grades) });
  return out;
}

/** Completion is a name a formula may use, offered by the editor. */
export interface Completion {
  label: string;
  type: "variable" | "function" | "constant" | "property";
  detail: string;
}

/** helpers are rubric's formula helpers and the expr builtins a scheme's formulas use most. */
export const helpers: [string, string][] = [
  ["clamp", "clamp(x, lo, hi)"],
  ["round_to", "round_to(x, n)"],
  ["pct", "pct(a, b)"],
  ["below", "below(x, t)"],
  ["steps", "steps(x, s)"],
  ["tier", "tier(x, t1, v1, …, default)"],
  ["grade", "grade(x)"],
  ["rank", "rank(col[, key])"],
  ["rank_asc", "rank_asc(col[, key])"],
  ["col_sum", "col_sum(col[, key])"],
  ["col_max", "col_max(col[, key])"],
  ["col_min", "col_min(col[, key])"],
  ["col_avg", "col_avg(col[, key])"],
  ["col_count", "col_count(col[, key])"],
  ["lookup", "lookup(col, unit_code)"],
  ["apportion", "apportion(pool, weight[, key])"],
  ["abs", "abs(x)"],
  ["ceil", "ceil(x)"],
  ["floor", "floor(x)"],
  ["round", "round(x)"],
  ["max", "max(a, b, …)"],
  ["min", "min(a, b, …)"],
];

/** completions are the names a formula of doc may read: metrics, items, outputs, params, unit fields, helpers. */
export function completions(doc: Doc, self?: string): Completion[] {
  const out: Completion[] = [];
  for (const m of doc.metrics ?? []) out.push({ label: m.code, type: "variable", detail: m.title + (m.unit ? `（${m.unit}）` : "") });
  for (const it of flatItems(doc.items).values()) if (it.code !== self) out.push({ label: it.code, type: "variable", detail: it.title });
  for (const o of doc.outputs ?? []) if (o.code !== self) out.push({ label: o.code, type: "variable", detail: o.title });
  out.push({ label: "total", type: "variable", detail: "总分" });
  for (const p of Object.keys(doc.params ?? {}).sort()) out.push({ label: "params." + p, type: "constant", detail: String(doc.params?.[p]) });
  out.push({ label: "unit.code", type: "property", detail: "" }, { label: "unit.group", type: "property", detail: (doc.groups ?? []).join(" / ") });
  for (const a of doc.attributes ?? []) out.push({ label: "unit.attrs." + a.code, type: "property", detail: a.title ?? "" });
  for (const [label, detail] of helpers) out.push({ label, type: "function", detail });
  return out;
}

/** offsetOf is the 0-based offset in text of a 1-based line and column (clamped into the text). */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  let off = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) off += lines[i].length + 1;
  const l = lines[Math.min(Math.max(line, 1), lines.length) - 1] ?? "";
  return off + Math.min(Math.max(column - 1, 0), l.length);
}

/**
 * problemLine is one line for people from an error answer: the problem's title first, which the
 * server writes in the clerk's language (内容有误), then its detail, which stays English for
 * developers, so a clerk always reads what kind of failure it was.
 */
export function problemLine(e: unknown): string {
  if (!e) return "";
  if (typeof e === "string") return e;
  const p = e as Partial<Problem>;
  if (p.title && p.detail) return `${p.title}：${p.detail}`;
  return p.detail || p.title || JSON.stringify(e);
}
