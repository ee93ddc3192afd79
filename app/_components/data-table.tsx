import type { ReactNode, TableHTMLAttributes } from "react";

/**
 * A table in its own horizontal scroll box (a phone never scrolls the page sideways), labelled,
 * with one header row of column names (`false` leaves a column out). `focusable` lets a keyboard
 * scroll the box when no row holds a control.
 */
export function DataTable({
  label,
  columns,
  focusable = false,
  children,
  ...table
}: {
  label: string;
  columns: (string | false)[];
  focusable?: boolean;
  children: ReactNode;
} & Omit<TableHTMLAttributes<HTMLTableElement>, "aria-label">) {
  return (
    <div
      className="table-scroll"
      {...(focusable ? { tabIndex: 0, role: "region", "aria-label": `${label} table` } : {})}
    >
      <table aria-label={label} {...table}>
        <thead>
          <tr>
            {columns.filter(Boolean).map((c) => (
              <th key={c as string} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
