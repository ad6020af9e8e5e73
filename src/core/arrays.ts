/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes items as call arguments and
 * overflows the stack for large arrays (about 100,000 on V8); this does not.
 */
export function appendAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
  return target;
}
