import type { Feature } from './feature.js';

/**
 * Operations wiring (seed chapters 3.1, 3.2, 3.3, 4.4).
 *
 * `ops` always applies: a busy port diagnosed by name and holder, the
 * optional pidfile (off until PIDFILE is set), the outbound HTTP client with
 * timeouts and a circuit breaker, its example handler, and the debug route
 * that checks the log pipeline (off until DEBUG_ROUTES=true). Its own
 * feature rather than core so its templates (templates/ops/) and its Go
 * dependency (gobreaker) sit in one place; nothing in it is optional at
 * generation time, because each part is inert until configured at run time.
 *
 * `pprof` and `syslog` follow --pprof/--no-pprof and --syslog/--no-syslog:
 * turned off, they leave no file, setting or import behind.
 */
export const ops: Feature = {
  name: 'ops',
  applies: () => true,
  // gobreaker v2.4.0 declares go 1.22.0.
  minGo: '1.22.0',
  goModules: [{ path: 'github.com/sony/gobreaker/v2', version: 'v2.4.0' }],
};

/** net/http/pprof on its own 127.0.0.1 listener (PPROF_ADDR). */
export const pprof: Feature = {
  name: 'pprof',
  applies: (answers) => answers.pprof,
};

/** Records also to syslog (SYSLOG_ADDR), Gin's two writers included. */
export const syslog: Feature = {
  name: 'syslog',
  applies: (answers) => answers.syslog,
  // slog.NewMultiHandler (stdout and syslog) is new in Go 1.26.
  minGo: '1.26.0',
};
