/**
 * Stores `value` under `key` and returns it: the miss branch of `map.get(key) ?? added(map, key,
 * make())`. Written that way the value is only built on a miss, and a hit allocates nothing (no
 * factory closure), which matters for the per-request lookups of the proxy.
 */
export function added<K, V>(map: Map<K, V>, key: K, value: NoInfer<V>): V {
  map.set(key, value);
  return value;
}
