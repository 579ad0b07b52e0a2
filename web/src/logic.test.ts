import { describe, expect, it } from "vitest";
import type { Column, Schemas, UnitResult } from "./api/client";
import { cellProblem, problemLine, changedUnits, moneyChange, columnTree, completions, difference, formatValue, headerName, mergeLayers, offsetOf, revisionDiff, rowMatches } from "./logic";
import { catalogue, initialLang } from "./i18n";
import { allowed } from "./session";

const col = (c: Partial<Column> & { code: string }): Column => ({ title: c.code, kind: "score", depth: 0, ...c });
const row = (code: string, cells: UnitResult["cells"], extra: Partial<UnitResult> = {}): UnitResult => ({
  unit: { code, name: code.toUpperCase(), group: "镇" },
  complete: true,
  missing: [],
  cells,
  errors: {},
  total: null,
  grade: null,
  rank: null,
  group_rank: null,
  ...extra,
});

describe("columnTree", () => {
  it("nests children under their category in document order", () => {
    const tree = columnTree([col({ code: "basic" }), col({ code: "enrol", category: true }), col({ code: "res_enrol", parent: "enrol", depth: 1 }), col({ code: "emp", parent: "enrol", depth: 1 }), col({ code: "rate", kind: "output" })]);
    expect(tree.map((n) => n.col.code)).toEqual(["basic", "enrol", "rate"]);
    expect(tree[1].children.map((n) => n.col.code)).toEqual(["res_enrol", "emp"]);
  });
});

describe("headerName", () => {
  it("shows points, a deduction's minus sign, an output's unit", () => {
    expect(headerName(col({ code: "a", title: "参保", max_points: 5 }), "分")).toBe("参保（5分）");
    expect(headerName(col({ code: "a", title: "扣分", kind: "deduction", max_points: 2 }), "分")).toBe("扣分（−2分）");
    expect(headerName(col({ code: "r", title: "完成率", kind: "output", unit: "%" }), "分")).toBe("完成率（%）");
    expect(headerName(col({ code: "w", title: "奖项", kind: "output" }), "分")).toBe("奖项");
  });
});

describe("difference", () => {
  it("is exact to what a decimal calculator shows", () => {
    expect(difference(10, 8.8)).toBe(-1.2);
    expect(difference(0.1, 0.3)).toBe(0.2);
    expect(difference(89.2, 88.9)).toBe(-0.3);
    expect(difference(null, 3)).toBeNull();
    expect(difference("一等奖", "二等奖")).toBeNull();
  });
});

describe("formatValue", () => {
  it("writes booleans as 是/否 and no value as —", () => {
    expect(formatValue(true, "是", "否")).toBe("是");
    expect(formatValue(false, "是", "否")).toBe("否");
    expect(formatValue(null, "是", "否")).toBe("—");
    expect(formatValue(14.7, "是", "否")).toBe("14.7");
  });
});

describe("mergeLayers", () => {
  it("pairs the units of two layers, a unit missing from one keeps a hole", () => {
    const rows = mergeLayers([row("a", { x: 1 }), row("b", { x: 2 })], [row("b", { x: 3 })], "final");
    expect(rows.map((r) => [r.code, r.final?.cells.x, r.self?.cells.x])).toEqual([
      ["a", 1, undefined],
      ["b", 2, 3],
    ]);
  });
});

describe("rowMatches", () => {
  const r = { code: "shizhuang", name: "石庄镇", group: "镇" };
  it("filters by group and by a part of the name or code", () => {
    expect(rowMatches(r, "", "")).toBe(true);
    expect(rowMatches(r, "镇", "石庄")).toBe(true);
    expect(rowMatches(r, "主功能区", "")).toBe(false);
    expect(rowMatches(r, "", "SHI")).toBe(true);
    expect(rowMatches(r, "", "丁堰")).toBe(false);
  });
});

describe("cellProblem", () => {
  const titles = new Map([["res_actual", "城乡居民医疗保险参保人数"]]);
  it("names the missing metric of an incomplete unit by its title", () => {
    const r = row("shizhuang", { res_enrol: null, basic: 10 }, { complete: false, missing: ["res_actual"] });
    expect(cellProblem(r, "res_enrol", titles)).toBe("城乡居民医疗保险参保人数 (res_actual)");
    expect(cellProblem(r, "total", titles)).toBe("城乡居民医疗保险参保人数 (res_actual)");
    expect(cellProblem(r, "basic", titles)).toBe("");
  });
  it("gives a cell's error", () => {
    expect(cellProblem(row("a", { x: null }, { errors: { x: "pct: division by zero" } }), "x", titles)).toBe("pct: division by zero");
  });
  it("is empty for a computed cell", () => {
    expect(cellProblem(row("a", { x: 3 }), "x", titles)).toBe("");
  });
});

describe("changedUnits", () => {
  type U = Schemas["UnitImpact"];
  const u = (unit: string, o: number | null, n: number | null, changed = true, or = 1, nr = 1): U => ({ unit, name: unit, old_total: o, new_total: n, old_rank: or, new_rank: nr, old_grade: null, new_grade: null, changed });
  it("lists the changed units, the largest change of total first", () => {
    const got = changedUnits([u("a", 90, 89.9), u("b", 80, 81), u("c", 70, 70, false), u("d", 95, null), u("e", 60, 60, true, 3, 1)]);
    expect(got.map((x) => x.unit)).toEqual(["d", "b", "a", "e"]);
  });
  it("lists units whose money or cells change though their total does not, by the money moved", () => {
    const f = { ...u("f", 70, 70, false), outputs: [{ code: "fee", old: 100, new: 160 }] };
    const g = { ...u("g", 70, 70, false), outputs: [{ code: "fee", old: 100, new: 90 }, { code: "rate", old: 99, new: 10 }] };
    const h = { ...u("h", 70, 70, false), new_errors: { quality: "pct: division by zero" } };
    const got = changedUnits([u("c", 70, 70, false), h, g, f, u("a", 90, 89.9)], new Set(["fee"]));
    expect(got.map((x) => x.unit)).toEqual(["a", "f", "g", "h"]);
  });
});

describe("moneyChange", () => {
  it("adds up the money outputs' changes exactly", () => {
    const x = { unit: "x", name: "x", old_total: 1, new_total: 1, old_rank: 1, new_rank: 1, old_grade: null, new_grade: null, changed: false, outputs: [{ code: "fee", old: 0.1, new: 0.3 }, { code: "sub", old: 1.1, new: 1 }, { code: "rate", old: 1, new: 50 }] };
    expect(moneyChange(x, new Set(["fee", "sub"]))).toBe(0.3);
  });
});

describe("revisionDiff", () => {
  type Doc = Schemas["SchemeDocument"];
  const doc = (formula: string, extra: Partial<Doc> = {}): Doc => ({
    code: "s",
    title: "S",
    items: [{ code: "enrol", title: "参保", children: [{ code: "res_enrol", title: "任务完成", kind: "deduction", formula }] }],
    metrics: [{ code: "res_actual", title: "参保人数", type: "integer" }],
    params: { fee: 20 },
    ...extra,
  });
  it("names the changed formula of a nested item", () => {
    expect(revisionDiff(doc("0.1 * x"), doc("0.2 * x"))).toEqual([{ what: "item", code: "res_enrol", field: "formula", old: "0.1 * x", new: "0.2 * x" }]);
  });
  it("lists added and removed outputs, changed params and metric bounds", () => {
    const a = doc("x");
    const b = doc("x", { outputs: [{ code: "award", title: "奖项", formula: '""' }], params: { fee: 30 }, metrics: [{ code: "res_actual", title: "参保人数", type: "integer", min: 0 }] });
    expect(revisionDiff(a, b)).toEqual([
      { what: "output", code: "award", field: "", old: "", new: "奖项" },
      { what: "metric", code: "res_actual", field: "min", old: "", new: "0" },
      { what: "param", code: "fee", field: "", old: "20", new: "30" },
    ]);
  });
  it("is empty for equal documents", () => {
    expect(revisionDiff(doc("x"), doc("x"))).toEqual([]);
  });
});

describe("completions", () => {
  it("offers metrics, other items, outputs, params, unit fields and helpers", () => {
    const labels = completions({ code: "s", title: "S", items: [{ code: "res_enrol", title: "t", formula: "1" }, { code: "emp", title: "e", formula: "1" }], metrics: [{ code: "res_actual", title: "参保人数", type: "integer", unit: "人" }], outputs: [{ code: "res_rate", title: "完成率", formula: "1" }], params: { fee: 20 } }, "res_enrol").map((c) => c.label);
    expect(labels).toContain("res_actual");
    expect(labels).toContain("res_rate");
    expect(labels).toContain("emp");
    expect(labels).not.toContain("res_enrol");
    expect(labels).toContain("params.fee");
    expect(labels).toContain("unit.group");
    expect(labels).toContain("rank");
    expect(labels).toContain("pct");
  });
});

describe("offsetOf", () => {
  it("maps a 1-based line and column to an offset", () => {
    expect(offsetOf("0.1 * ceil(below(res_rat, 100))", 1, 18)).toBe(17);
    expect(offsetOf("a +\nb_x", 2, 1)).toBe(4);
    expect(offsetOf("ab", 5, 9)).toBe(2);
  });
});

describe("i18n", () => {
  it("is Chinese unless chosen or the browser asks for English", () => {
    expect(initialLang(null, ["zh-CN", "zh"])).toBe("zh");
    expect(initialLang(null, [])).toBe("zh");
    expect(initialLang(null, ["en-US"])).toBe("en");
    expect(initialLang("zh", ["en-US"])).toBe("zh");
  });
  it("has every text in both languages", () => {
    expect(Object.keys(catalogue.en).sort()).toEqual(Object.keys(catalogue.zh).sort());
    for (const [k, v] of Object.entries(catalogue.en)) expect(v, k).not.toBe("");
  });
});

describe("allowed", () => {
  it("shows each role what server/access.go lets it do", () => {
    const table = (["admin", "assessor", "viewer", "unit"] as const).map((r) => [r, (["design", "tokens", "writeFinal", "import", "writeSelf", "readScheme"] as const).filter((a) => allowed(r, a)).join(",")]);
    expect(table).toEqual([
      ["admin", "design,tokens,writeFinal,import,writeSelf,readScheme"],
      ["assessor", "writeFinal,import,readScheme"],
      ["viewer", "readScheme"],
      ["unit", "writeSelf"],
    ]);
    expect(allowed(undefined, "readScheme")).toBe(false);
  });
});

describe("problemLine", () => {
  it("puts the title in the clerk's language before the developer's detail", () => {
    expect(problemLine({ type: "about:blank", status: 422, title: "内容有误", detail: "item volume: unknown name cases" })).toBe(
      "内容有误：item volume: unknown name cases",
    );
  });
  it("says what there is when the title or the detail is missing", () => {
    expect(problemLine({ status: 404, title: "未找到" })).toBe("未找到");
    expect(problemLine({ detail: "scheme x not found" })).toBe("scheme x not found");
    expect(problemLine("网络错误")).toBe("网络错误");
    expect(problemLine(undefined)).toBe("");
  });
});
