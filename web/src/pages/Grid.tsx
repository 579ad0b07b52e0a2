// A thin Preact wrapper around AG Grid (community): the grid keeps its own DOM; the wrapper
// hands it options once and new columns and rows when they change.
import {
  CellStyleModule,
  ClientSideRowModelModule,
  ExternalFilterModule,
  LocaleModule,
  ModuleRegistry,
  RowStyleModule,
  TooltipModule,
  createGrid,
  themeQuartz,
  type GridApi,
  type GridOptions,
} from "ag-grid-community";
import { useEffect, useRef } from "preact/hooks";

// Only the grid's modules the sheet uses (column groups, pinning, sorting and resizing are in its
// core), so the bundle carries no editors, column filters or exports.
ModuleRegistry.registerModules([ClientSideRowModelModule, ExternalFilterModule, TooltipModule, CellStyleModule, RowStyleModule, LocaleModule]);

const theme = themeQuartz.withParams({ fontFamily: "inherit", headerFontSize: 13, fontSize: 13, spacing: 5, wrapperBorderRadius: 4 });

export function Grid<T>({ options, columnDefs, rowData, onApi }: { options: GridOptions<T>; columnDefs: GridOptions<T>["columnDefs"]; rowData: T[] | null; onApi?: (a: GridApi<T>) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const gridApi = useRef<GridApi<T> | null>(null);
  useEffect(() => {
    const a = createGrid<T>(el.current!, { theme, ...options, columnDefs, rowData });
    gridApi.current = a;
    onApi?.(a);
    return () => a.destroy();
  }, []);
  useEffect(() => {
    gridApi.current?.setGridOption("columnDefs", columnDefs);
  }, [columnDefs]);
  useEffect(() => {
    gridApi.current?.setGridOption("rowData", rowData ?? []);
  }, [rowData]);
  return <div class="grid" ref={el} />;
}
