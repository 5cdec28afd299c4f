const UNIT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;

/** A duration as the generated Go config writes it, in exact seconds: "500ms" -> 0.5. */
export function durationSeconds(duration: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(duration);
  if (!m) throw new Error(`unsupported duration "${duration}"`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

/** "60s" / "1m" / "500ms" -> whole seconds (at least 1), for settings that take no fraction. */
export function seconds(duration: string): number {
  return Math.max(1, Math.ceil(durationSeconds(duration)));
}
