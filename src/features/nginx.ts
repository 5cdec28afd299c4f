import type { Feature } from './feature.js';
import { LIMITS } from './core.js';
import { seconds } from '../duration.js';

/**
 * nginx in front of the service (--nginx): its location is the Gin route
 * group and proxy_pass carries no URI, so the path Gin sees is the path the
 * client sent. Body size and timeouts follow the service's own LIMITS.
 */
export const nginx: Feature = {
  name: 'nginx',
  applies: (answers) => answers.nginx,
  data: () => ({ proxy: proxyLimits() }),
};

/** nginx's client- and upstream-side limits, derived from the service's. */
export function proxyLimits() {
  const idle = seconds(LIMITS.idleTimeout);
  return {
    // Bodies Gin would refuse with 413 are refused by nginx already.
    clientMaxBodySize: LIMITS.maxBodyBytes,
    clientHeaderTimeout: `${seconds(LIMITS.readHeaderTimeout)}s`,
    clientBodyTimeout: `${seconds(LIMITS.readTimeout)}s`,
    sendTimeout: `${seconds(LIMITS.writeTimeout)}s`,
    keepaliveTimeout: `${idle}s`,
    // Sending the request upstream gets as long as Gin gives itself to read it,
    // waiting for the response as long as Gin gives itself to write it.
    proxySendTimeout: `${seconds(LIMITS.readTimeout)}s`,
    proxyReadTimeout: `${seconds(LIMITS.writeTimeout)}s`,
    proxyConnectTimeout: '5s',
    // Close idle upstream connections before Gin's IdleTimeout does, so
    // nginx never reuses a connection the service is closing.
    upstreamKeepaliveTimeout: `${Math.max(1, idle - 5)}s`,
  };
}
