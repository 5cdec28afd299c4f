/**
 * Ctrl-C or SIGTERM while the CLI has something half-done on disk: runs
 * cleanup (synchronous) and exits 130. While a listener is installed the
 * signal also waits for synchronous work in progress (a batch of renames)
 * to finish, instead of killing the process in the middle of it. Returns
 * the function that removes the listeners.
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
