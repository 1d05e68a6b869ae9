/**
 * Tree paths are ltree values whose labels are unit ids without hyphens (ltree labels allow only [A-Za-z0-9_]).
 * The API shows paths as arrays of ordinary UUIDs.
 */
export function idToLabel(id: string): string {
  return id.replace(/-/g, '');
}

export function labelToId(label: string): string {
  return `${label.slice(0, 8)}-${label.slice(8, 12)}-${label.slice(12, 16)}-${label.slice(16, 20)}-${label.slice(20)}`;
}

export function pathToIds(path: string): string[] {
  return path ? path.split('.').map(labelToId) : [];
}

export function childPath(parentPath: string | null, id: string): string {
  return parentPath ? `${parentPath}.${idToLabel(id)}` : idToLabel(id);
}

/** True when `path` is `ancestorPath` itself or lies under it. */
export function isWithin(path: string, ancestorPath: string): boolean {
  return path === ancestorPath || path.startsWith(`${ancestorPath}.`);
}

/**
 * Strict descendants of `rootPath` as a range of paths: labels are lower-case hex, so every descendant sorts
 * after the root and before `root.z`. The btree on path answers this range in path order.
 */
export const DESCENDANTS_OF = (root: string, column = 'v.path') => `${column} > ${root}::ltree AND ${column} < (${root}::ltree || 'z')`;
