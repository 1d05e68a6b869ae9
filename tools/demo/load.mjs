// Loads the demo organisation structure through the gateway's HTTP API, as any client would:
//   1. units.json          Bắc Giang and Bắc Ninh as they stood from 2020-10-15 (province and district party
//                          committees, communes, party cells, committee organs, UBND tỉnh and departments);
//   2. restructuring.json  Resolution 202/2025/QH15, effective 2025-07-01 (DOMAIN ORG-9): Bắc Giang merges into
//                          Bắc Ninh, the district level ends, two communes become one;
//   3. leadership.json     the party body of the provincial People's Committee leads it (ORG-5).
// Each step checks first whether it was already done, so running it again changes nothing.
//
//   node tools/demo/load.mjs [http://127.0.0.1:3000]
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const readJson = (name) => JSON.parse(readFileSync(here(name), 'utf8'));

export class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} answered ${status}:\n${body}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export async function loadDemo(baseUrl = 'http://127.0.0.1:3000', log = (line) => console.log(line)) {
  const api = client(baseUrl);
  const units = readJson('units.json');
  const restructuring = readJson('restructuring.json');
  const leadership = readJson('leadership.json');

  // 1. The units before the 2025 reform. The import is idempotent on unit code: rows already there are left alone.
  const imported = await api.post('/api/v1/org/imports', { format: 'json', rows: units });
  log(`demo: imported ${units.length} units valid from ${units[0].validFrom} (created ${imported.created}, unchanged ${imported.unchanged})`);

  // 2. The restructuring, unless it was applied before (then its first merged unit no longer exists on its date).
  const firstMerged = restructuring.operations.find((op) => op.type === 'merge' && op.sources[0].code);
  const stillThere = await api.findByCode(firstMerged.sources[0].code, restructuring.effectiveDate);
  if (stillThere) {
    const applied = await api.post('/api/v1/org/restructurings', restructuring);
    const counts = countBy(restructuring.operations.map((op) => op.type));
    log(`demo: applied restructuring ${restructuring.decisionRef} effective ${restructuring.effectiveDate} ` +
      `(${Object.entries(counts).map(([type, n]) => `${n} ${type}`).join(', ')}${applied?.id ? `; id ${applied.id}` : ''})`);
  } else {
    log(`demo: restructuring ${restructuring.decisionRef} already applied, skipped`);
  }

  // 3. Leadership links ("led by", ORG-5).
  for (const link of leadership) {
    const leader = await api.findByCode(link.leader, link.validFrom);
    const led = await api.findByCode(link.led, link.validFrom);
    if (!leader || !led) throw new Error(`demo: leadership link ${link.leader} → ${link.led}: unit not found on ${link.validFrom}`);
    const existing = await api.get(`/api/v1/org/units/${leader.id}/leadership?direction=leads&asOf=${link.validFrom}`, { missingRouteOk: true });
    if (existing === undefined) {
      log('demo: the gateway has no leadership routes yet; leadership link skipped');
      break;
    }
    const links = Array.isArray(existing) ? existing : (existing?.items ?? []);
    if (links.some((l) => l.ledId === led.id || l.other?.id === led.id)) {
      log(`demo: leadership link ${leader.name} → ${led.name} already there, skipped`);
      continue;
    }
    await api.post('/api/v1/org/leadership-links', { leaderId: leader.id, ledId: led.id, validFrom: link.validFrom });
    log(`demo: ${leader.name} leads ${led.name} from ${link.validFrom}`);
  }
}

function client(baseUrl) {
  const request = async (method, path, body, { missingRouteOk = false } = {}) => {
    const url = new URL(path, baseUrl);
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new Error(`${method} ${url} failed: ${error.cause?.message ?? error.message}`);
    }
    const text = await response.text();
    if (response.ok) return text ? JSON.parse(text) : null;
    // A route the gateway does not have yet answers a plain 404 without a domain error code.
    if (missingRouteOk && response.status === 404 && !/"code"\s*:\s*"[A-Z]+_/.test(text)) return undefined;
    throw new ApiError(method, url.pathname + url.search, response.status, prettyJson(text));
  };
  return {
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    /** The unit with this code alive on `asOf`, or null. */
    async findByCode(code, asOf) {
      const page = await request('GET', `/api/v1/org/units?code=${encodeURIComponent(code)}&asOf=${asOf}`);
      return page.items[0] ?? null;
    },
  };
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const baseUrl = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  loadDemo(baseUrl).then(
    () => console.log(`demo: done (${baseUrl})`),
    (error) => {
      console.error(`demo: failed: ${error.message}`);
      process.exit(1);
    },
  );
}
