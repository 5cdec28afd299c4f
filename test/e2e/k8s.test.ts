/**
 * Issue 18: the Kubernetes manifests (--k8s), checked offline with the real
 * upstream tools and code, since there is no cluster here:
 * - `kustomize build` (pinned, installed by test/global-setup.ts) of base,
 *   dev and prod, for one service and for a monorepo of three;
 * - test/helpers/k8scheck: every built object decoded strictly into its
 *   k8s.io/api type (unknown fields rejected), and every pod template
 *   evaluated by k8s.io/pod-security-admission at level restricted;
 * - alignment: the built manifests against the answers (ports, probes,
 *   drain, memory, prefix, policy), for three ports and prefixes.
 * - kubeconform (pinned) validates every built object, the Prometheus
 *   Operator's included, against JSON schemas generated offline by k8scheck
 *   from Kubernetes' OpenAPI document and the operator's CRDs (both from the
 *   Go module proxy: scripts/go-tools.mjs KUBE_SCHEMAS).
 * Object counts and `kustomize build` times go to the test log.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../../scripts/go-tools.mjs';
import { connectionBudget, DB_SERVERS, GOMEMLIMIT_PERCENT } from '../../src/features/k8s.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import { plan } from '../../src/plan.js';
import { settingsOf } from '../../src/settings-docs.js';
import { loadTemplates } from '../../src/templates/load.js';
import { cleanEnv, reason, ROOT, runCli, snapshot, tempDir } from '../helpers/cli.js';
import { go } from '../helpers/go.js';
import { kubeSchemas } from '../helpers/kubeschemas.js';

let kustomize = '';
let checker = '';
let kubeconform = '';
let schemaLocation = '';

beforeAll(async () => {
  const tool = findTool('kustomize');
  if (tool.problem) throw new Error(tool.problem);
  kustomize = tool.path!;
  const kc = findTool('kubeconform');
  if (kc.problem) throw new Error(kc.problem);
  kubeconform = kc.path!;
  const kube = await kubeSchemas();
  checker = kube.checker;
  schemaLocation = kube.location;
  console.log(`[k8s] ${kube.summary}`);
});

/** kubeconform -strict on a built output, with the offline schemas only (a kind without one is an error). */
function conform(yaml: string): { ok: boolean; out: string; valid: number } {
  const r = spawnSync(kubeconform, ['-strict', '-summary', '-schema-location', schemaLocation, '-'], { input: yaml, encoding: 'utf8' });
  const valid = Number(/Valid: (\d+)/.exec(r.stdout)?.[1] ?? -1);
  return { ok: r.status === 0, out: r.stdout + r.stderr, valid };
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> } & Record<string, any>;

interface Built {
  yaml: string;
  objects: Obj[];
  ms: number;
}

/** `kustomize build dir`, parsed; fails the test with kustomize's output. */
function build(dir: string): Built {
  const start = performance.now();
  const r = spawnSync(kustomize, ['build', dir], { encoding: 'utf8' });
  const ms = performance.now() - start;
  expect(r.status, `kustomize build ${dir}:\n${r.stderr}`).toBe(0);
  const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
  return { yaml: r.stdout, objects, ms };
}

/** Runs k8scheck on a built output: its summary, or its problems. */
function check(yaml: string): { ok: boolean; out: string; summary?: { objects: number; kinds: Record<string, number> } } {
  const r = spawnSync(checker, [], { input: yaml, encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr, summary: r.status === 0 ? JSON.parse(r.stdout) : undefined };
}

function validated(dir: string, label: string): Built {
  const built = build(dir);
  const c = check(built.yaml);
  expect(c.ok, `${label}:\n${c.out}`).toBe(true);
  expect(c.summary!.objects).toBe(built.objects.length);
  const k = conform(built.yaml);
  expect(k.ok, `${label} kubeconform:\n${k.out}`).toBe(true);
  expect(k.valid, k.out).toBe(built.objects.length);
  console.log(`[k8s] ${label}: ${built.objects.length} objects, kustomize build ${built.ms.toFixed(0)} ms`);
  return built;
}

async function generate(args: string[]): Promise<string> {
  const cwd = tempDir('cga-k8s-');
  const r = await runCli(['svc', ...args, '--yes', '--no-verify'], { cwd });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return join(cwd, 'svc');
}

const one = (objs: Obj[], kind: string, name?: string): Obj => {
  const found = objs.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
};

/** "512Mi", "1Gi", "500m", "2" -> bytes or cores. */
function quantity(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|m)?$/.exec(String(q));
  if (!m) throw new Error(`quantity ${q}`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, m: 0.001 }[m[2] as 'Ki'] ?? 1;
  return Number(m[1]) * unit;
}

/** Go duration ("5s", "500ms", "1m") -> seconds. */
function duration(d: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`duration ${d}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as 's'];
}

describe('kustomize build, strict schema and restricted Pod Security', () => {
  for (const args of [[], ['--db', 'postgres', '--redis'], ['--db', 'mysql', '--no-pprof'], ['--db', 'none', '--docker-base', 'scratch']]) {
    it(`base, dev and prod build and validate (${args.join(' ') || 'defaults'})`, async () => {
      const dir = await generate(args);
      for (const layer of ['base', 'overlays/dev', 'overlays/prod']) {
        const built = validated(join(dir, 'deploy/k8s', layer), `${args.join(' ') || 'defaults'} ${layer}`);
        const kinds = built.objects.map((o) => o.kind).sort();
        const sqlite = args.length === 0;
        // The migration Job (and its NetworkPolicy) with a database server.
        const job = args.includes('postgres') || args.includes('mysql');
        expect(kinds).toEqual(
          [
            'ConfigMap', 'Deployment', ...(sqlite ? [] : ['HorizontalPodAutoscaler']), 'Ingress', 'NetworkPolicy',
            ...(job ? ['Job', 'NetworkPolicy'] : []),
            ...(sqlite ? ['PersistentVolumeClaim'] : []), 'PodDisruptionBudget', 'Service', 'ServiceAccount',
          ].sort(),
        );
        // No Secret: the manifests reference one they do not contain.
        expect(kinds).not.toContain('Secret');
      }
    });
  }

  it('the checker is not a rubber stamp: it rejects unknown fields, removed APIs and a pod outside restricted', async () => {
    const dir = await generate(['--db', 'postgres']);
    const { yaml } = build(join(dir, 'deploy/k8s/overlays/prod'));
    const bad = {
      unknownField: yaml.replace('automountServiceAccountToken: false\n      containers:', 'automountServiceAccountToken: false\n      containerz: []\n      containers:'),
      removedApi: yaml.replace('apiVersion: autoscaling/v2', 'apiVersion: autoscaling/v2beta2'),
      noSeccomp: yaml.replace(/\n +seccompProfile:\n +type: RuntimeDefault/, ''),
      privilegeEscalation: yaml.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'),
      capabilities: yaml.replace(/drop:\n(\s+)- ALL/, 'drop:\n$1- NET_RAW'),
      root: yaml.replace(/runAsNonRoot: true/g, 'runAsNonRoot: false'),
    };
    for (const [what, text] of Object.entries(bad)) {
      expect(text, what).not.toBe(yaml);
      const c = check(text);
      expect(c.ok, `${what} passed:\n${c.out}`).toBe(false);
    }
    expect(check(bad.noSeccomp).out).toMatch(/pod security restricted: seccompProfile/);
    expect(check(bad.unknownField).out).toMatch(/unknown field "containerz"/);
    // The migration Job's pod is held to restricted too.
    const jobRoot = yaml.replace(/(kind: Job[\s\S]*?)runAsNonRoot: true/, '$1runAsNonRoot: false');
    expect(jobRoot).not.toBe(yaml);
    expect(check(jobRoot).out).toMatch(/Job\/svc-migrate: pod security restricted/);
  });

  it('kubeconform is not a rubber stamp either: a misspelt or mistyped field, an unknown kind, a CRD field outside its schema', async () => {
    const dir = await generate(['--db', 'postgres']);
    withComponents(dir, ['prometheus-operator']);
    const { yaml } = build(join(dir, 'deploy/k8s/overlays/prod'));
    expect(conform(yaml).ok).toBe(true);
    const bad = {
      typo: yaml.replace('revisionHistoryLimit:', 'revisionHistoryLimitt:'),
      type: yaml.replace('maxUnavailable: 1\n', 'maxUnavailable: [1]\n'),
      unknownKind: yaml.replace('kind: PodDisruptionBudget', 'kind: PodDisruptionBudgetz'),
      crdField: yaml.replace('podMetricsEndpoints:', 'podMetricsEndpointz:'),
      crdPattern: yaml.replace(/for: 5m/, 'for: 5 minutes'),
    };
    for (const [what, text] of Object.entries(bad)) {
      expect(text, what).not.toBe(yaml);
      const k = conform(text);
      expect(k.ok, `${what} passed:\n${k.out}`).toBe(false);
    }
    expect(conform(bad.crdField).out).toMatch(/PodMonitor svc is invalid.*additional properties 'podMetricsEndpointz' not allowed/);
    expect(conform(bad.unknownKind).out).toMatch(/could not find schema for PodDisruptionBudgetz/);
  });
});

/** Uncomments the prod overlay's "components:" with the given ones. */
function withComponents(dir: string, names: string[]): void {
  const overlay = join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml');
  let text = readFileSync(overlay, 'utf8');
  expect(text).toMatch(/^# components:$/m);
  text = text.replace(/^# components:$/m, 'components:');
  for (const n of names) {
    const line = `#   - ../../components/${n}`;
    expect(text).toContain(line);
    text = text.replace(line, `  - ../../components/${n}`);
  }
  writeFileSync(overlay, text);
}

describe('aligned with the answers', () => {
  const cases = [
    { port: 8081, prefix: '/api/v1', db: 'postgres', redis: true, pprofPort: 6061 },
    { port: 9300, prefix: '/orders', db: 'sqlite', redis: false, pprofPort: 6060 },
    { port: 18080, prefix: '/internal/ledger-v3', db: 'mysql', redis: false, pprofPort: 7070 },
  ] as const;

  for (const c of cases) {
    it(`port ${c.port}, prefix ${c.prefix}, ${c.db}${c.redis ? ' + redis' : ''}`, async () => {
      const args = ['--port', String(c.port), '--prefix', `${c.prefix}/`, '--db', c.db, '--pprof-port', String(c.pprofPort), ...(c.redis ? ['--redis'] : [])];
      const dir = await generate(args);
      const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), `aligned ${c.port} prod`).objects;
      const dev = build(join(dir, 'deploy/k8s/overlays/dev')).objects;
      const name = 'svc';

      const cm = one(prod, 'ConfigMap').data!;
      const deploy = one(prod, 'Deployment', name);
      const pod = deploy.spec.template.spec;
      const [container] = pod.containers;
      const svc = one(prod, 'Service', name);
      const ingress = one(prod, 'Ingress', name);
      const policy = one(prod, 'NetworkPolicy', name);

      // containerPort = --port, named; the Service and the probes reach it by that name.
      const httpPort = container.ports.find((p: any) => p.name === 'http');
      expect(httpPort.containerPort).toBe(c.port);
      expect(cm.PORT).toBe(String(c.port));
      expect(svc.spec.ports.find((p: any) => p.name === 'http')).toMatchObject({ port: c.port, targetPort: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.startupProbe.httpGet.port).toBe('http');

      // pprof: no container port, no Service port, its listener on loopback.
      const allPorts = [...container.ports.map((p: any) => p.containerPort), ...svc.spec.ports.map((p: any) => p.port)];
      expect(allPorts).not.toContain(c.pprofPort);
      expect(cm.PPROF_ADDR).toBe(`127.0.0.1:${c.pprofPort}`);
      // The metrics port only with the metrics answer (issue 17; absent: off).
      const stored = JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8')).answers;
      const metricsPort: number | undefined = stored.metrics === true ? stored.metricsPort : undefined;
      expect(container.ports.map((p: any) => p.name)).toEqual(metricsPort ? ['http', 'metrics'] : ['http']);
      if (metricsPort) {
        expect(container.ports[1].containerPort).toBe(metricsPort);
        expect(cm.METRICS_ADDR).toBe(`:${metricsPort}`);
      }

      // The startup window outlasts the stores' connect retries (from the ConfigMap's values).
      const stores = 1 + (c.redis ? 1 : 0); // every case has a database
      const attempts = Number(cm.CONNECT_ATTEMPTS);
      const backoff = duration(cm.CONNECT_BACKOFF!);
      let waits = 0;
      for (let n = 1; n < attempts; n++) waits += Math.min(backoff * 2 ** (n - 1), 16 * backoff);
      const perAttempt = c.redis ? duration(cm.REDIS_DIAL_TIMEOUT!) : 5;
      const budget = stores * (waits + attempts * perAttempt);
      expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThan(budget);
      expect(container.startupProbe.httpGet.path).toBe('/readyz');

      // The kubelet's grace period outlasts the drain and the shutdown.
      expect(duration(cm.DRAIN_DELAY!)).toBe(5);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(duration(cm.DRAIN_DELAY!) + duration(cm.SHUTDOWN_TIMEOUT!));

      // Issue 26, item 2: GOMEMLIMIT about 90% of limits.memory (real headroom),
      // for prod's and dev's limits; no GOMAXPROCS (Go 1.25+ reads the CPU limit).
      const env = container.env as any[];
      for (const [which, d] of [['prod', deploy], ['dev', one(dev, 'Deployment', name)]] as const) {
        const c0 = d.spec.template.spec.containers[0];
        const e = c0.env as any[];
        const ref = e.find((x) => x.name === 'GOMEMLIMIT_MIB').valueFrom.resourceFieldRef;
        expect(ref.resource).toBe('limits.memory');
        expect(e.findIndex((x) => x.name === 'GOMEMLIMIT_MIB')).toBeLessThan(e.findIndex((x) => x.name === 'GOMEMLIMIT')); // $(VAR) needs it defined before
        expect(e.find((x) => x.name === 'GOMEMLIMIT').value).toBe('$(GOMEMLIMIT_MIB)MiB');
        const limitBytes = quantity(c0.resources.limits.memory);
        // What the kubelet substitutes: the limit divided by the divisor, rounded up (resourceFieldRef), in MiB.
        const goMemBytes = Math.ceil(limitBytes / quantity(ref.divisor)) * 1024 ** 2;
        expect(goMemBytes / limitBytes, which).toBeGreaterThan(0.88);
        expect(goMemBytes / limitBytes, which).toBeLessThan(0.92);
        expect(e.some((x) => x.name === 'GOMAXPROCS'), which).toBe(false);
      }
      expect(GOMEMLIMIT_PERCENT).toBe(90);
      const deployment = readFileSync(join(dir, 'deploy/k8s/base/deployment.yaml'), 'utf8');
      expect(deployment).toMatch(/GOMAXPROCS is not set: Go 1\.25\+ takes it from the\n\s+# container's CPU limit/);
      // The comment above GOMEMLIMIT_MIB gives the share and why it is not 100%.
      const memComment = /# GOMEMLIMIT at [\s\S]*?(?=\n\s+- name: GOMEMLIMIT_MIB)/.exec(deployment)![0].replace(/\n\s*#\s*/g, ' ');
      expect(memComment).toMatch(/^# GOMEMLIMIT at 90% of limits\.memory, the rest \(10%\) headroom\./);
      expect(memComment).toContain('a soft limit on the memory the Go runtime manages');
      expect(memComment).toContain("the container's limit also counts what the runtime does not");
      expect(memComment).toContain("at 100% the kernel's OOM killer would end the container before the collector could help");
      expect(memComment).toContain('The one place to change the ratio.');
      const goDirective = /^go (\d+)\.(\d+)/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))!;
      expect(Number(goDirective[1]) * 100 + Number(goDirective[2])).toBeGreaterThanOrEqual(125);

      // Ingress: the route group, normalised as nginx.conf's location.
      const nginx = readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8');
      const location = /location (\/\S+\/) \{\n\s+proxy_pass/.exec(nginx)![1];
      const [path] = ingress.spec.rules[0].http.paths;
      expect(path.path).toBe(c.prefix);
      expect(`${path.path}/`).toBe(location);
      expect(path.pathType).toBe('Prefix');
      expect(path.backend.service).toEqual({ name, port: { name: 'http' } });
      expect(ingress.metadata.annotations ?? {}).not.toHaveProperty('nginx.ingress.kubernetes.io/rewrite-target');
      expect(readFileSync(join(dir, 'deploy/k8s/base/config.env'), 'utf8')).toMatch(/TRUSTED_PROXIES[^\n]*\n#[^\n]*ingress controller/);

      // NetworkPolicy: the controller to the HTTP port; egress DNS and the chosen stores only.
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual(metricsPort ? [c.port, metricsPort] : [c.port]);
      const egress = policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`)).sort();
      const storePorts = [...(c.db === 'postgres' ? ['TCP/5432'] : []), ...(c.db === 'mysql' ? ['TCP/3306'] : []), ...(c.redis ? ['TCP/6379'] : [])];
      // DNS twice: kube-dns, and NodeLocal DNSCache's link-local address (issue 26, item 6).
      expect(egress).toEqual(['TCP/53', 'UDP/53', 'TCP/53', 'UDP/53', ...storePorts].sort());
      const dnsRules = policy.spec.egress.filter((r: any) => r.ports.every((p: any) => p.port === 53));
      expect(dnsRules.flatMap((r: any) => r.to)).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
        { ipBlock: { cidr: '169.254.20.10/32' } },
      ]);

      // The ConfigMap: exactly the non-secret settings of the Config declaration.
      const declared = settingsOf(readFileSync(join(dir, 'internal/config/config.go'), 'utf8'));
      expect(Object.keys(cm).sort()).toEqual(declared.filter((x) => !x.secret).map((x) => x.env).sort());
      // Set for Kubernetes: the port, the drain, SQLite's file; with a database server the
      // migration Job (MIGRATE_ON_START=false) and the connection budget.
      // Production serves no documentation page (API_DOCS=false; the document stays).
      // and has a rate limit per client (RATE_LIMIT=600).
      const k8sValues = ['PORT', 'DRAIN_DELAY', 'DATABASE_URL', 'MIGRATE_ON_START', 'DB_MAX_OPEN_CONNS', 'DB_MAX_IDLE_CONNS', 'API_DOCS', 'RATE_LIMIT'];
      expect(cm.API_DOCS).toBe('false');
      expect(cm.RATE_LIMIT).toBe('600');
      for (const x of declared.filter((x) => !k8sValues.includes(x.env) && !x.secret)) {
        expect(cm[x.env], x.env).toBe(x.def);
      }

      // Secrets by reference only, never in the ConfigMap.
      const secretEnv = env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name).sort();
      expect(secretEnv).toEqual([...(c.db !== 'sqlite' ? ['DATABASE_URL'] : []), ...(c.redis ? ['REDIS_URL'] : [])].sort());
      for (const s of secretEnv) expect(cm).not.toHaveProperty(s);
      for (const e of env.filter((e) => e.valueFrom?.secretKeyRef)) expect(e.valueFrom.secretKeyRef.name).toBe('svc-secrets');
      // ... and the line that creates it, in the README and the prod overlay.
      const createLine = `kubectl create secret generic svc-secrets`;
      for (const doc of ['README.md', 'deploy/k8s/overlays/prod/kustomization.yaml']) {
        const text = readFileSync(join(dir, doc), 'utf8');
        if (secretEnv.length) expect(text, doc).toContain(createLine);
        for (const s of secretEnv) expect(text, doc).toContain(`--from-literal=${s}=`);
      }
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('kubectl apply -k deploy/k8s/overlays/prod');

      // Security: the image's UID, no token, read-only root with /tmp.
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(one(prod, 'ServiceAccount').automountServiceAccountToken).toBe(false);
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(pod.volumes.find((v: any) => v.name === 'tmp').emptyDir).toBeDefined();

      // Images by tag, never latest; dev and prod differ in tag, replicas and resources.
      const devDeploy = one(dev, 'Deployment', name);
      const tag = (d: Obj) => /:([^:/]+)$/.exec(d.spec.template.spec.containers[0].image)?.[1];
      expect(tag(deploy)).toMatch(/^[\w.-]+$/);
      expect(tag(devDeploy)).toMatch(/^[\w.-]+$/);
      expect([tag(deploy), tag(devDeploy)]).not.toContain('latest');
      expect(tag(deploy)).not.toBe(tag(devDeploy));
      expect(devDeploy.spec.template.spec.containers[0].resources).not.toEqual(container.resources);

      if (c.db === 'sqlite') {
        // One replica on a claim, no autoscaler, Recreate; the why is in the file.
        expect(deploy.spec.replicas).toBe(1);
        expect(devDeploy.spec.replicas).toBe(1);
        expect(deploy.spec.strategy.type).toBe('Recreate');
        expect(prod.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
        const claim = one(prod, 'PersistentVolumeClaim');
        expect(pod.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName).toBe(claim.metadata.name);
        expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/app/data' });
        expect(cm.DATABASE_URL).toBe('/app/data/svc.db');
        expect(readFileSync(join(dir, 'deploy/k8s/base/deployment.yaml'), 'utf8')).toMatch(/SQLite cannot scale out/);
      } else {
        // Issue 26, item 1: the HPA owns the count: no replicas in base, dev or prod.
        expect(deploy.spec).not.toHaveProperty('replicas');
        expect(devDeploy.spec).not.toHaveProperty('replicas');
        expect(build(join(dir, 'deploy/k8s/base')).objects.find((o) => o.kind === 'Deployment')!.spec).not.toHaveProperty('replicas');
        expect(readFileSync(join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml'), 'utf8')).not.toMatch(/^replicas:/m);
        expect(readFileSync(join(dir, 'deploy/k8s/overlays/dev/kustomization.yaml'), 'utf8')).not.toMatch(/^replicas:/m);
        expect(one(prod, 'HorizontalPodAutoscaler').spec.minReplicas).not.toBe(one(dev, 'HorizontalPodAutoscaler').spec.minReplicas);
        expect(one(prod, 'HorizontalPodAutoscaler').apiVersion).toBe('autoscaling/v2');
        expect(one(prod, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
        expect(prod.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
      }
      expect(one(prod, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(deploy.spec.selector.matchLabels);

      // Issue 26, item 6: disruption. Unhealthy pods never block a drain; pods spread over nodes and zones.
      expect(one(prod, 'PodDisruptionBudget').spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
      if (c.db !== 'sqlite') {
        const spread = pod.topologySpreadConstraints as any[];
        expect(spread.map((t) => t.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
        for (const t of spread) {
          expect(t).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: deploy.spec.selector.matchLabels } });
        }
      }
      // Item 8: dev's mutable tag is pulled on every start; prod's released tag is not.
      expect(devDeploy.spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
      expect(container.imagePullPolicy).toBe('IfNotPresent');
    });
  }

  it('with metrics (issue 17 answers): the metrics port is named, annotated, in the Service and admitted for the scraper', async () => {
    const answers = await resolveAnswers({ given: { module: 'svc', db: 'postgres', port: 8085 }, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: () => '1.26.0' });
    const dir = tempDir('cga-k8s-metrics-');
    const { files } = plan({ ...answers, metrics: true, metricsPort: 9464 } as typeof answers, loadTemplates());
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'metrics prod').objects;
    const deploy = one(prod, 'Deployment');
    const container = deploy.spec.template.spec.containers[0];
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
    expect(deploy.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464' });
    expect(one(prod, 'Service').spec.ports).toContainEqual({ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' });
    const policy = one(prod, 'NetworkPolicy', 'svc');
    expect(policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([8085, 9464]);
  });

  it("prod's documented TRUSTED_PROXIES merge, uncommented, sets the ingress controller's addresses", async () => {
    const dir = await generate(['--db', 'postgres']);
    const overlay = join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml');
    const text = readFileSync(overlay, 'utf8');
    // (With the docs page, the merge is active already for API_DOCS=false; the line is commented in it.)
    expect(text).toMatch(/^ {6}# - TRUSTED_PROXIES=10\.244\.0\.0\/16$/m);
    writeFileSync(overlay, text.replace('      # - TRUSTED_PROXIES=', '      - TRUSTED_PROXIES='));
    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'prod with TRUSTED_PROXIES');
    expect(one(prod.objects, 'ConfigMap').data!.TRUSTED_PROXIES).toBe('10.244.0.0/16');
    expect(one(prod.objects, 'ConfigMap').data!.API_DOCS).toBe('false');
    expect(one(prod.objects, 'ConfigMap').data!.PORT).toBe('8080');
  });

  it('issue 25: prod has a host and TLS on its Ingress; jwt may reach its issuer; apikey mounts the keys Secret as AUTH_API_KEYS_FILE', async () => {
    for (const auth of ['jwt', 'apikey'] as const) {
      const dir = await generate(['--auth', auth, '--db', 'postgres']);
      const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), `prod --auth ${auth}`).objects;
      const ingress = one(prod, 'Ingress');
      expect(ingress.spec.rules[0].host).toBe('svc.example.com');
      expect(ingress.spec.tls).toEqual([{ hosts: ['svc.example.com'], secretName: 'svc-tls' }]);
      const cm = one(prod, 'ConfigMap').data!;
      expect(cm.RATE_LIMIT).toBe('600');
      const egress = one(prod, 'NetworkPolicy', 'svc').spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port));
      expect(egress.includes(443), auth).toBe(auth === 'jwt');
      const pod = one(prod, 'Deployment').spec.template.spec;
      const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'api-keys');
      if (auth === 'apikey') {
        expect(pod.volumes).toContainEqual({ name: 'api-keys', secret: { secretName: 'svc-api-keys' } });
        expect(mount).toEqual({ name: 'api-keys', mountPath: '/etc/svc', readOnly: true });
        expect(cm.AUTH_API_KEYS_FILE).toBe('/etc/svc/keys');
        expect(readFileSync(join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml'), 'utf8')).toContain('kubectl create secret generic svc-api-keys --from-file=keys=');
      } else {
        expect(mount).toBeUndefined();
        expect(cm).toHaveProperty('AUTH_AUDIENCE', 'svc');
      }
    }
  });

  it('--no-k8s writes no deploy/k8s', async () => {
    const dir = await generate(['--no-k8s']);
    expect(spawnSync('ls', [join(dir, 'deploy/k8s')]).status).not.toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8')).answers.k8s).toBe(false);
  });
});

describe('the ConfigMap follows the Config declaration in the project too', () => {
  it('a new setting fails TestDocs until go generate adds it to config.env, keeping edited values', async () => {
    const cwd = tempDir('cga-k8s-gen-');
    const r = await runCli(['svc', '--db', 'none', '--yes'], { cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const dir = join(cwd, 'svc');
    const envFile = join(dir, 'deploy/k8s/base/config.env');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace('DRAIN_DELAY=5s', 'DRAIN_DELAY=8s'));
    const configGo = join(dir, 'internal/config/config.go');
    writeFileSync(
      configGo,
      readFileSync(configGo, 'utf8').replace(/^(\tPIDFile\s)/m, '\tFeatureFlags string `env:"FEATURE_FLAGS" default:"none" usage:"flags"`\n\tAPIToken string `env:"API_TOKEN" secret:"true" usage:"token"`\n$1'),
    );
    await go(dir, ['fmt', './internal/config']);
    const failing = spawnSync('go', ['test', '-count=1', '-run', '^TestDocs$', './internal/config'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    expect(failing.status).not.toBe(0);
    expect(failing.stdout).toContain('deploy/k8s/base/config.env does not match');
    await go(dir, ['generate', './internal/config']);
    await go(dir, ['test', '-count=1', '-run', '^TestDocs$', './internal/config']);
    const text = readFileSync(envFile, 'utf8');
    expect(text).toContain('FEATURE_FLAGS=none');
    expect(text).not.toContain('API_TOKEN');
    expect(text).toContain('DRAIN_DELAY=8s');
    expect(one(build(join(dir, 'deploy/k8s/base')).objects, 'ConfigMap').data!.FEATURE_FLAGS).toBe('none');
  });
});

describe('monorepo: one kustomization and one Ingress for every service', () => {
  it('builds for three services, routes each prefix to its Service, and follows an update', async () => {
    const root = tempDir('cga-k8s-mono-');
    writeFileSync(join(root, 'go.mod'), 'module example.com/mono\n\ngo 1.26.0\n');
    const services = [
      ['services/orders', []],
      ['services/users', ['--db', 'postgres', '--redis']],
      ['services/ledger', ['--db', 'mysql', '--prefix', '/internal/ledger-v3']],
    ] as const;
    for (const [rel, args] of services) {
      const r = await runCli([rel, ...args, '--yes', '--no-verify'], { cwd: root });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('deploy/k8s/kustomization.yaml');
    }
    // A fourth whose objects would take the name of one of them is refused, writing nothing.
    const before = snapshot(root);
    const clash = await runCli(['teams/orders', '--prefix', '/teams/orders', '--yes', '--no-verify'], { cwd: root });
    expect(clash.code).toBe(2);
    expect(reason(clash)).toMatch(/--k8s: the Kubernetes name "orders" \(from --module\) is already used by services\/orders/);
    expect(snapshot(root)).toEqual(before);

    const built = validated(join(root, 'deploy/k8s'), 'monorepo of three');
    const ingresses = built.objects.filter((o) => o.kind === 'Ingress');
    expect(ingresses).toHaveLength(1);
    const routes = (objs: Obj[]) =>
      Object.fromEntries(one(objs, 'Ingress').spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]));
    expect(routes(built.objects)).toEqual({ '/api/orders': 'orders', '/api/users': 'users', '/internal/ledger-v3': 'ledger' });
    // Each backend is a Service of the build whose "http" port is its service's --port.
    const gateway = readFileSync(join(root, 'deploy/nginx/gateway.conf'), 'utf8');
    for (const [prefix, name] of Object.entries(routes(built.objects))) {
      const svcPort = one(built.objects, 'Service', name).spec.ports.find((p: any) => p.name === 'http').port;
      expect(gateway).toContain(`location ${prefix}/ {`);
      expect(gateway).toMatch(new RegExp(`server 127\\.0\\.0\\.1:${svcPort};`));
    }
    expect(built.objects.filter((o) => o.kind === 'Deployment')).toHaveLength(3);

    // An update of one service rewrites the root's Ingress.
    const up = await runCli(['update', '--set', 'prefix=/api/orders-v2', '--no-verify'], { cwd: join(root, 'services/orders') });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const after = validated(join(root, 'deploy/k8s'), 'monorepo after update');
    expect(routes(after.objects)['/api/orders-v2']).toBe('orders');
    expect(routes(after.objects)).not.toHaveProperty('/api/orders');
  });
});

describe('update', () => {
  it('a port change rewrites Deployment, Service, probes, Ingress and policy; a prefix and a store follow too; an edit to the prod overlay is kept', async () => {
    const dir = await generate(['--db', 'postgres']);
    const overlay = join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml');
    const edited = readFileSync(overlay, 'utf8').replace(/(path: \/spec\/minReplicas\n\s+value:) 3/, '$1 5').replace('resources:\n', '# ops: five replicas since the launch\nresources:\n');
    expect(edited).toMatch(/value: 5$/m);
    writeFileSync(overlay, edited);

    const r = await runCli(['update', '--set', 'port=9095', '--no-verify'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(overlay, 'utf8')).toBe(edited);

    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'after port update').objects;
    const deploy = one(prod, 'Deployment');
    const container = deploy.spec.template.spec.containers[0];
    expect(one(prod, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(5);
    expect(container.ports[0]).toMatchObject({ name: 'http', containerPort: 9095 });
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const port = container[probe].httpGet.port;
      expect(container.ports.find((p: any) => p.name === port).containerPort, probe).toBe(9095);
    }
    expect(one(prod, 'ConfigMap').data!.PORT).toBe('9095');
    expect(one(prod, 'Service').spec.ports[0]).toMatchObject({ port: 9095, targetPort: 'http' });
    const backend = one(prod, 'Ingress').spec.rules[0].http.paths[0].backend.service;
    expect(one(prod, 'Service', backend.name).spec.ports.find((p: any) => p.name === backend.port.name).port).toBe(9095);
    expect(one(prod, 'NetworkPolicy', 'svc').spec.ingress[0].ports[0].port).toBe(9095);

    // Prefix and stores: the Ingress path, the secret reference, the egress port and the settings follow.
    const r2 = await runCli(['update', '--set', 'prefix=/internal/ledger-v3', '--set', 'redis=true', '--no-verify'], { cwd: dir });
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    // Merged: the edits stay, and the secret line gains REDIS_URL.
    const merged = readFileSync(overlay, 'utf8');
    expect(merged).toMatch(/path: \/spec\/minReplicas\n\s+value: 5\n/);
    expect(merged).toContain('# ops: five replicas since the launch\n');
    expect(merged).toMatch(/kubectl create secret generic svc-secrets --from-literal=DATABASE_URL='…' --from-literal=REDIS_URL='…'/);
    const again = validated(join(dir, 'deploy/k8s/overlays/prod'), 'after prefix and redis update').objects;
    expect(one(again, 'Ingress').spec.rules[0].http.paths[0].path).toBe('/internal/ledger-v3');
    const env = one(again, 'Deployment').spec.template.spec.containers[0].env as any[];
    expect(env.find((e) => e.name === 'REDIS_URL').valueFrom.secretKeyRef).toEqual({ name: 'svc-secrets', key: 'REDIS_URL' });
    const egress = one(again, 'NetworkPolicy', 'svc').spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port));
    expect(egress).toContain(6379);
    expect(one(again, 'ConfigMap').data).toHaveProperty('REDIS_POOL_SIZE');
    expect(one(again, 'ConfigMap').data).not.toHaveProperty('REDIS_URL');
  });
});

describe('issue 26: migrations as a Job, the connection budget, the optional components', () => {
  for (const db of ['postgres', 'mysql'] as const) {
    it(`${db}: (maxReplicas + maxSurge) x DB_MAX_OPEN_CONNS + the Job's stays within max_connections, in base, dev and prod`, async () => {
      const dir = await generate(['--db', db]);
      const server = DB_SERVERS[db];
      for (const layer of ['base', 'overlays/dev', 'overlays/prod']) {
        const objs = validated(join(dir, 'deploy/k8s', layer), `${db} ${layer} budget`).objects;
        const cm = one(objs, 'ConfigMap').data!;
        const deploy = one(objs, 'Deployment', 'svc');
        const jobEnv = one(objs, 'Job', 'svc-migrate').spec.template.spec.containers[0].env as any[];
        const perPod = Number(cm.DB_MAX_OPEN_CONNS);
        const maxPods = one(objs, 'HorizontalPodAutoscaler').spec.maxReplicas + deploy.spec.strategy.rollingUpdate.maxSurge;
        const jobConns = Number(jobEnv.find((e) => e.name === 'DB_MAX_OPEN_CONNS').value);
        expect(maxPods * perPod + jobConns, layer).toBeLessThanOrEqual(server.maxConnections - server.reserved);
        expect(Number(cm.DB_MAX_IDLE_CONNS)).toBeLessThanOrEqual(perPod);
        // Not needlessly low where the autoscaler may reach maxReplicas 10 (dev's 2 leave room to spare).
        if (layer !== 'overlays/dev') expect(maxPods * (perPod + 1) + jobConns, layer).toBeGreaterThan(server.maxConnections - server.reserved);
      }
      expect(connectionBudget('postgres')).toMatchObject({ perPod: 8, maxPods: 11, total: 90 });
      // The arithmetic is written out where the values are.
      const env = readFileSync(join(dir, 'deploy/k8s/base/config.env'), 'utf8');
      expect(env).toMatch(/connection budget/);
      expect(env).toContain(`within\n#                  ${server.server}'s default max_connections ${server.maxConnections}`);
    });
  }

  it('postgres: the Job runs "migrate up" with its own Secret, outside the Service; the pods do not migrate; the startup window covers it', async () => {
    const dir = await generate(['--db', 'postgres']);
    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'migrate job').objects;
    const job = one(prod, 'Job', 'svc-migrate');
    const deploy = one(prod, 'Deployment', 'svc');
    const jobPod = job.spec.template;
    const [c] = jobPod.spec.containers;
    expect(c.args).toEqual(['migrate', 'up']);
    expect(c.image).toBe(deploy.spec.template.spec.containers[0].image); // the same release
    expect(c.envFrom).toEqual(deploy.spec.template.spec.containers[0].envFrom); // the same settings
    expect(c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'svc-migrate-secrets', key: 'DATABASE_URL' });
    expect(deploy.spec.template.spec.containers[0].env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name).toBe('svc-secrets');
    expect(jobPod.spec.restartPolicy).toBe('Never');
    // The Service and the PDB never select the Job's pod.
    const selects = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    expect(selects(one(prod, 'Service').spec.selector, jobPod.metadata.labels)).toBe(false);
    expect(selects(one(prod, 'PodDisruptionBudget').spec.selector.matchLabels, jobPod.metadata.labels)).toBe(false);
    // Its own policy: nothing in, DNS and the database out.
    const policy = one(prod, 'NetworkPolicy', 'svc-migrate');
    expect(selects(policy.spec.podSelector.matchLabels, jobPod.metadata.labels)).toBe(true);
    expect(policy.spec.ingress ?? []).toEqual([]);
    expect(policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort()).toEqual([53, 53, 5432].sort());
    // The service does not migrate at start; the startup window adds the Job's time.
    const cm = one(prod, 'ConfigMap').data!;
    expect(cm.MIGRATE_ON_START).toBe('false');
    const probe = deploy.spec.template.spec.containers[0].startupProbe;
    expect(probe.periodSeconds * probe.failureThreshold).toBeGreaterThanOrEqual(60 + 120);
    // Why a Job and how to run it, in the manifest and the README.
    const manifest = readFileSync(join(dir, 'deploy/k8s/base/migrate-job.yaml'), 'utf8');
    expect(manifest).toMatch(/A Job rather than an init container/);
    expect(manifest).toContain('kubectl delete job svc-migrate --ignore-not-found');
    for (const doc of ['README.md', 'deploy/k8s/overlays/prod/kustomization.yaml']) {
      expect(readFileSync(join(dir, doc), 'utf8'), doc).toContain("kubectl create secret generic svc-migrate-secrets --from-literal=DATABASE_URL='");
    }
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/init container/);
    // compose and make run keep migrating at start.
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).not.toContain('MIGRATE_ON_START');
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toMatch(/^MIGRATE_ON_START=true$/m);
  });

  it('sqlite: no Job (one pod, a ReadWriteOnce volume), MIGRATE_ON_START left true', async () => {
    const dir = await generate([]);
    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'sqlite no job').objects;
    expect(prod.some((o) => o.kind === 'Job')).toBe(false);
    expect(one(prod, 'ConfigMap').data!.MIGRATE_ON_START).toBe('true');
  });

  it('the Prometheus Operator and OTLP components: PodMonitor labelling service, the same rules as alerts.yml, the collector reachable', async () => {
    const dir = await generate(['--db', 'postgres', '--redis']);
    const before = one(build(join(dir, 'deploy/k8s/overlays/prod')).objects, 'NetworkPolicy', 'svc');
    withComponents(dir, ['prometheus-operator', 'otlp']);
    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'prod with both components').objects;
    const monitor = one(prod, 'PodMonitor', 'svc');
    expect(monitor.spec.selector.matchLabels).toEqual(one(prod, 'Deployment').spec.selector.matchLabels);
    const [endpoint] = monitor.spec.podMetricsEndpoints;
    expect(endpoint.port).toBe('metrics');
    expect(one(prod, 'Deployment').spec.template.spec.containers[0].ports.map((p: any) => p.name)).toContain('metrics');
    expect(endpoint.relabelings).toContainEqual({ sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'service' });
    // The rules the PrometheusRule carries are alerts.yml's, which select that label.
    const rules = parseAllDocuments(readFileSync(join(dir, 'deploy/prometheus/alerts.yml'), 'utf8'))[0]!.toJS();
    expect(one(prod, 'PrometheusRule', 'svc').spec.groups).toEqual(rules.groups);
    for (const r of rules.groups[0].rules) {
      expect(r.expr).toContain('service="svc"');
      expect(r.expr).not.toContain('job=');
    }
    // OTLP: the endpoint in the settings, an egress rule to its port, nothing else changed.
    expect(one(prod, 'ConfigMap').data!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.monitoring.svc:4318');
    const policy = one(prod, 'NetworkPolicy', 'svc');
    expect(policy.spec.egress.slice(0, -1)).toEqual(before.spec.egress);
    expect(policy.spec.egress.at(-1).ports).toEqual([{ protocol: 'TCP', port: 4318 }]);
    // Without them (the default), neither is built.
    expect(build(join(dir, 'deploy/k8s/base')).objects.some((o) => o.kind === 'PodMonitor' || o.kind === 'PrometheusRule')).toBe(false);
  });
});

describe('update of a service generated before issue 26', () => {
  it('moves the overlays to the new layout (no replicas under the HPA) and keeps an edit of the prod overlay', async () => {
    // The generator as it was (the commit issue 26 started from), built from this repository's history.
    const PRE_ISSUE_26 = 'cc4fe59';
    const old = tempDir('cga-old-generator-');
    const archive = spawnSync('sh', ['-c', `git -C '${ROOT}' archive ${PRE_ISSUE_26} | tar -x -C '${old}'`], { encoding: 'utf8' });
    expect(archive.status, archive.stderr).toBe(0);
    // Its own dependencies (its package-lock): today's node_modules lack what it imported then.
    const installed = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: old, encoding: 'utf8', env: cleanEnv() });
    expect(installed.status, installed.stderr).toBe(0);
    const built = spawnSync(process.execPath, [join(old, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.mjs'], { cwd: old, encoding: 'utf8', env: cleanEnv() });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const cwd = tempDir('cga-k8s-old-');
    const gen = spawnSync(process.execPath, [join(old, 'dist/cli.js'), 'svc', '--db', 'postgres', '--yes', '--no-verify'], { cwd, encoding: 'utf8', env: cleanEnv() });
    expect(gen.status, gen.stdout + gen.stderr).toBe(0);
    const dir = join(cwd, 'svc');
    const overlay = join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml');
    const before = readFileSync(overlay, 'utf8');
    expect(before).toMatch(/^replicas:\n  - name: svc\n    count: 3$/m); // the old layout
    expect(one(build(join(dir, 'deploy/k8s/overlays/prod')).objects, 'Deployment').spec.replicas).toBe(3);
    // The platform team's edits: more memory, and a note.
    writeFileSync(overlay, before.replace('memory: 1Gi', 'memory: 2Gi').replace('resources:\n', '# ops: 2Gi since the November load test\nresources:\n'));

    const r = await runCli(['update', '--no-verify'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merge\s+deploy\/k8s\/overlays\/prod\/kustomization\.yaml/);
    const after = readFileSync(overlay, 'utf8');
    expect(after).not.toMatch(/^replicas:/m);
    expect(after).toContain('# ops: 2Gi since the November load test\n');
    expect(after).toContain('memory: 2Gi');
    expect(after).not.toMatch(/<<<<<<<|>>>>>>>/);
    const prod = validated(join(dir, 'deploy/k8s/overlays/prod'), 'old service after update').objects;
    const deploy = one(prod, 'Deployment');
    expect(deploy.spec).not.toHaveProperty('replicas');
    expect(deploy.spec.template.spec.containers[0].resources.limits.memory).toBe('2Gi');
    expect(one(prod, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(3);
    // The rest of the new layout came with it.
    expect(one(prod, 'Job', 'svc-migrate').spec.template.spec.containers[0].args).toEqual(['migrate', 'up']);
    expect(one(prod, 'ConfigMap').data!.MIGRATE_ON_START).toBe('false');
    // And a second update has nothing left to do.
    const check = await runCli(['update', '--check'], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});
