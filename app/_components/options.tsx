import type { ReactNode } from "react";

/** A select's choices: an optional empty-valued placeholder, then one option an item, keyed by its value. */
export function Options<T>({
  items,
  value,
  label,
  placeholder,
}: {
  items: readonly T[];
  value: (item: T) => string;
  label: (item: T) => ReactNode;
  placeholder?: ReactNode;
}) {
  return (
    <>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {items.map((item) => {
        const v = value(item);
        return (
          <option key={v} value={v}>
            {label(item)}
          </option>
        );
      })}
    </>
  );
}
