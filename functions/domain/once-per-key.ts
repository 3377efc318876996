/**
 * A read made once per key for as long as the returned function is kept (a stream batch): the
 * records of one batch that need the same partner's settings share one request. A failed read is
 * not kept: the record that meets it fails, the next one reads again.
 */
export function oncePerKey<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const reads = new Map<string, Promise<T>>();
  return (key) => {
    let result = reads.get(key);
    if (!result) {
      result = read(key);
      result.catch(() => reads.delete(key));
      reads.set(key, result);
    }
    return result;
  };
}
