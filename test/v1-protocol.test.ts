import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type Json, type V1Call, v1As, walk } from './helpers/v1.js';

// The rules every v1 list and write follows, on both engines: delta reads with tombstones, sealed
// cursors, conditional requests, and problem details that name what was wrong.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines)('REST v1 protocol on %s', (engine) => {
  let app: TestApp;
  let auth: Record<string, string>;
  let api: V1Call;
  let stranger: V1Call;
  let portfolio: Json;
  let account: Json;

  /** A new cashflow in the test portfolio. */
  const cashflow = async (fields: Record<string, unknown> = {}) => {
    const response = await api('POST', '/v1/cashflows', {
      account_id: account.id,
      portfolio_id: portfolio.id,
      kind: 'deposit',
      status: 'posted',
      amount: '100.00',
      currency: 'EUR',
      value_date: '2026-01-02',
      ...fields,
    });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const tenant = await tenantWithClient(app, allScopes);
    await seedTenant(app.database.db, tenant.tenantId, { size: 'small' });
    auth = bearer(await accessToken(app, tenant.client));
    api = v1As(app, auth);
    const other = await tenantWithClient(app, allScopes, { name: 'Other tenant' });
    stranger = v1As(app, bearer(await accessToken(app, other.client)));
    const client = (await api('POST', '/v1/clients', { name: 'Delta client' })).body;
    portfolio = (
      await api('POST', '/v1/portfolios', { client_id: client.id, name: 'Delta', base_currency: 'EUR' })
    ).body;
    account = (await api('POST', '/v1/accounts', { client_id: client.id, name: 'Cash', currency: 'EUR' }))
      .body;
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('delta reads', () => {
    it('returns every row changed since an instant in change order, and deletions as tombstones', async () => {
      const [kept, changed, removed] = [await cashflow(), await cashflow(), await cashflow()];
      await sleep(5);
      const since = new Date().toISOString();
      await sleep(5);
      const touched = (await api('PATCH', `/v1/cashflows/${changed.id}`, { status: 'expected' })).body;
      expect((await api('DELETE', `/v1/cashflows/${removed.id}`)).status).toBe(204);
      const added = await cashflow();
      const scope = `portfolio_id=${portfolio.id}&updated_since=${encodeURIComponent(since)}`;

      const live = await walk(api, `/v1/cashflows?${scope}`, 1);
      expect(live.map((row) => row.id)).toEqual([changed.id, added.id]);
      expect(live[0]).toEqual(touched);

      const delta = await walk(api, `/v1/cashflows?${scope}&include_deleted=true`, 1);
      expect(delta.map((row) => row.id)).toEqual([changed.id, removed.id, added.id]);
      const tombstone = delta[1];
      expect(tombstone).toEqual({
        id: removed.id,
        external_reference: null,
        deleted: true,
        deleted_at: tombstone.updated_at,
        updated_at: tombstone.updated_at,
      });
      // In (updated_at, id) order: nobody can miss a change by resuming at the largest updated_at.
      const order = delta.map((row) => `${row.updated_at} ${row.id}`);
      expect(order).toEqual([...order].sort());
      expect(delta.map((row) => row.id)).not.toContain(kept.id);

      // A sync that remembered the old rows and applies the delta ends with exactly the live ones.
      const mirror = new Map([kept, changed, removed].map((row) => [row.id, row]));
      for (const row of delta) {
        if (row.deleted) mirror.delete(row.id);
        else mirror.set(row.id, row);
      }
      const truth = await walk(api, `/v1/cashflows?portfolio_id=${portfolio.id}`, 1000);
      expect([...mirror.keys()].sort()).toEqual(truth.map((row) => row.id).sort());
    });

    it('answers include_deleted without updated_since with a 400 naming it', async () => {
      const response = await api('GET', '/v1/cashflows?include_deleted=true');
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ parameter: 'include_deleted', detail: expect.any(String) }]);
    });
  });

  describe('cursors', () => {
    it('walks a list while rows are inserted and deleted, returning each lasting row exactly once', async () => {
      const rows = await Promise.all(
        Array.from({ length: 12 }, () => cashflow({ value_date: '2026-03-01' })),
      );
      const path = `/v1/cashflows?portfolio_id=${portfolio.id}&from=2026-03-01&to=2026-03-01`;
      const seen: string[] = [];
      const deleted = new Set<string>();
      const inserted: string[] = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const page: Json = await api(
          'GET',
          `${path}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((row: Json) => row.id));
        cursor = page.body.next_cursor;
        // Between pages: one new row, and one not-yet-seen row deleted.
        inserted.push((await cashflow({ value_date: '2026-03-01' })).id);
        const victim = rows.find((row) => !seen.includes(row.id) && !deleted.has(row.id));
        if (victim && round++ % 2 === 0) {
          expect((await api('DELETE', `/v1/cashflows/${victim.id}`)).status).toBe(204);
          deleted.add(victim.id);
        }
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const row of rows) if (!deleted.has(row.id)) expect(seen).toContain(row.id);
      for (const id of deleted) expect(seen).not.toContain(id);
      // Rows inserted while walking land after the cursor: the walk sees them all, in order.
      expect(seen.slice(-inserted.length + 1)).toEqual(inserted.slice(0, -1));
    });

    it.each([
      ['creation order', ''],
      ['change order (a delta read)', '&updated_since=2000-01-01T00:00:00Z'],
    ])(
      'walks in %s while another client writes at the same time, each lasting row exactly once',
      async (_label, delta) => {
        const day = delta ? '2026-04-02' : '2026-04-01';
        const lasting = await Promise.all(Array.from({ length: 24 }, () => cashflow({ value_date: day })));
        const doomed = await Promise.all(Array.from({ length: 8 }, () => cashflow({ value_date: day })));
        let walking = true;
        const writer = (async () => {
          let writes = 0;
          while (walking) {
            await cashflow({ value_date: day });
            const victim = doomed.pop();
            if (victim) expect((await api('DELETE', `/v1/cashflows/${victim.id}`)).status).toBe(204);
            writes++;
          }
          return writes;
        })();
        const seen = (
          await walk(api, `/v1/cashflows?portfolio_id=${portfolio.id}&from=${day}&to=${day}${delta}`, 3)
        ).map((row) => row.id);
        walking = false;
        expect(await writer).toBeGreaterThan(0);
        expect(new Set(seen).size).toBe(seen.length);
        for (const row of lasting) expect(seen).toContain(row.id);
      },
    );

    it('sends the next page in a Link header and stops with has_more false', async () => {
      const first = await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}&limit=2`);
      expect(first.body.has_more).toBe(true);
      const link = first.headers.get('link');
      expect(link).toBe(
        `</v1/cashflows?portfolio_id=${portfolio.id}&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}>; rel="next"`,
      );
      const next = await api('GET', link!.slice(1, link!.indexOf('>')));
      expect(next.status).toBe(200);
      expect(next.body.data[0].id > first.body.data[1].id).toBe(true);
      const last = await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}&limit=1000`);
      expect(last.body).toMatchObject({ has_more: false, next_cursor: null });
      expect(last.headers.get('link')).toBeNull();
    });

    it('refuses a tampered cursor, another tenant’s, and one replayed with other filters or order', async () => {
      const { next_cursor: cursor } = (await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}&limit=1`))
        .body;
      const [position, mac] = cursor.split('.');
      const forged = Buffer.from(JSON.stringify({ id: crypto.randomUUID() })).toString('base64url');
      const flipped = `${position}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'AB' : 'AA'}`;
      const attempts: [V1Call, string][] = [
        [api, `/v1/cashflows?portfolio_id=${portfolio.id}&cursor=${forged}.${mac}`],
        [api, `/v1/cashflows?portfolio_id=${portfolio.id}&cursor=${flipped}`],
        [api, `/v1/cashflows?portfolio_id=${portfolio.id}&cursor=garbage`],
        [stranger, `/v1/cashflows?portfolio_id=${portfolio.id}&cursor=${cursor}`],
        [api, `/v1/cashflows?cursor=${cursor}`],
        [api, `/v1/cashflows?portfolio_id=${portfolio.id}&status=posted&cursor=${cursor}`],
        [api, `/v1/positions?portfolio_id=${portfolio.id}&cursor=${cursor}`],
        [
          api,
          `/v1/cashflows?portfolio_id=${portfolio.id}&updated_since=2020-01-01T00:00:00Z&cursor=${cursor}`,
        ],
      ];
      for (const [caller, path] of attempts) {
        const response = await caller('GET', path);
        expect(response.status, path).toBe(400);
        expect(response.body.errors, path).toEqual([{ parameter: 'cursor', detail: expect.any(String) }]);
      }
      expect((await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}&cursor=${cursor}`)).status).toBe(
        200,
      );
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['status=maybe', 'status'],
      ['from=2026-02-30', 'from'],
      ['updated_since=yesterday', 'updated_since'],
      ['external_reference=a%2Fb', 'external_reference'],
      ['portfolio_id=not-an-id', 'portfolio_id'],
      ['colour=blue', 'colour'],
      ['from_date=2026-01-01', 'from_date'],
    ])('answers ?%s with a 400 naming %s', async (query, parameter) => {
      const response = await api('GET', `/v1/cashflows?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors).toContainEqual({ parameter, detail: expect.any(String) });
    });
  });

  describe('conditional requests', () => {
    it('tags every GET strongly and answers a matching If-None-Match with 304', async () => {
      const row = await cashflow();
      const first = await api('GET', `/v1/cashflows/${row.id}`);
      const tag = first.headers.get('etag');
      expect(tag).toMatch(/^"[\w-]+"$/);
      const again = await api('GET', `/v1/cashflows/${row.id}`, undefined, { 'if-none-match': tag! });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(tag);
      // Weak comparison for If-None-Match, and lists are tagged too.
      expect(
        (await api('GET', `/v1/cashflows/${row.id}`, undefined, { 'if-none-match': `W/${tag}` })).status,
      ).toBe(304);
      const list = await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}`);
      const listTag = list.headers.get('etag')!;
      expect(
        (
          await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}`, undefined, {
            'if-none-match': listTag,
          })
        ).status,
      ).toBe(304);
      // A change changes the tag.
      await api('PATCH', `/v1/cashflows/${row.id}`, { amount: '101.00' });
      const changed = await api('GET', `/v1/cashflows/${row.id}`, undefined, { 'if-none-match': tag! });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(tag);
      expect(
        (
          await api('GET', `/v1/cashflows?portfolio_id=${portfolio.id}`, undefined, {
            'if-none-match': listTag,
          })
        ).status,
      ).toBe(200);
    });

    it('refuses a stale If-Match on PATCH and DELETE with 412, changing nothing', async () => {
      const row = await cashflow();
      const tag = (await api('GET', `/v1/cashflows/${row.id}`)).headers.get('etag')!;
      const updated = await api(
        'PATCH',
        `/v1/cashflows/${row.id}`,
        { amount: '150.00' },
        { 'if-match': tag },
      );
      expect(updated.status).toBe(200);
      const stale = await api('PATCH', `/v1/cashflows/${row.id}`, { amount: '999.00' }, { 'if-match': tag });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ status: 412, code: 'precondition_failed' });
      expect((await api('DELETE', `/v1/cashflows/${row.id}`, undefined, { 'if-match': tag })).status).toBe(
        412,
      );
      const now = await api('GET', `/v1/cashflows/${row.id}`);
      expect(now.body.amount).toBe('150.000000');
      expect(now.body.updated_at).toBe(updated.body.updated_at);
      // The current tag, or any (*), lets the write through.
      const current = now.headers.get('etag')!;
      expect(
        (
          await api(
            'PATCH',
            `/v1/cashflows/${row.id}`,
            { amount: '160.00' },
            { 'if-match': `"x", ${current}` },
          )
        ).status,
      ).toBe(200);
      expect((await api('DELETE', `/v1/cashflows/${row.id}`, undefined, { 'if-match': '*' })).status).toBe(
        204,
      );
      expect((await api('DELETE', `/v1/cashflows/${row.id}`, undefined, { 'if-match': '*' })).status).toBe(
        404,
      );
    });
  });

  describe('problems', () => {
    const problem = (response: Json) => {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({
        type: expect.stringMatching(/^https:\/\/|^about:blank$/),
        title: expect.any(String),
        status: response.status,
        detail: expect.any(String),
        instance: expect.any(String),
        request_id: response.headers.get('x-request-id'),
      });
      return response.body;
    };

    it.each([
      ['an unknown field', { colour: 'blue' }, 'colour'],
      ['a wrong type', { amount: true }, 'amount'],
      ['a bad date', { value_date: '2026-13-01' }, 'value_date'],
      ['a bad enum value', { status: 'maybe' }, 'status'],
      ['a bad external_reference', { external_reference: 'a/b' }, 'external_reference'],
      ['a missing required field', { amount: undefined }, 'amount'],
      ['a field that cannot change', { id: crypto.randomUUID() }, 'id'],
    ])('answers a body with %s with 400 pointing at the field', async (_label, change, field) => {
      const body = {
        account_id: account.id,
        kind: 'deposit',
        status: 'posted',
        amount: '1.00',
        currency: 'EUR',
        value_date: '2026-01-02',
        ...change,
      };
      const before = (await walk(api, `/v1/cashflows?account_id=${account.id}`, 1000)).length;
      const response = await api('POST', '/v1/cashflows', body);
      expect(response.status).toBe(400);
      expect(problem(response).errors).toContainEqual({ pointer: `#/${field}`, detail: expect.any(String) });
      expect((await walk(api, `/v1/cashflows?account_id=${account.id}`, 1000)).length).toBe(before);
    });

    it('names every invalid field at once', async () => {
      const response = await api('POST', '/v1/positions', { currency: 'euro', as_of: 'today' });
      const pointers = problem(response).errors.map((error: Json) => error.pointer);
      expect(pointers).toEqual(
        expect.arrayContaining(['#/currency', '#/as_of', '#/portfolio_id', '#/account_id']),
      );
    });

    it('answers a reference to a row it cannot see like one that does not exist', async () => {
      const foreign = (await stranger('POST', '/v1/clients', { name: 'Not yours' })).body;
      const response = await api('POST', '/v1/portfolios', {
        client_id: foreign.id,
        name: 'x',
        base_currency: 'EUR',
      });
      const missing = await api('POST', '/v1/portfolios', {
        client_id: crypto.randomUUID(),
        name: 'x',
        base_currency: 'EUR',
      });
      expect(response.status).toBe(400);
      expect(problem(response).errors).toEqual(problem(missing).errors);
    });

    it('answers malformed JSON, a wrong content type, an unknown route and a wrong method in problem details', async () => {
      const malformed = await api('POST', '/v1/cashflows', '{"amount": ');
      expect(malformed.status).toBe(400);
      problem(malformed);
      const wrongType = await fetch(`${app.url}/v1/cashflows`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: 'amount=1',
      });
      expect(wrongType.status).toBe(415);
      // Neither is in the document (there is no such operation), so these go around its validator.
      const raw = async (method: string, path: string) => {
        const response = await fetch(`${app.url}${path}`, { method, headers: auth });
        return { status: response.status, headers: response.headers, body: await response.json() };
      };
      const unknown = await raw('GET', '/v1/nothing-here');
      expect(unknown.status).toBe(404);
      problem(unknown);
      const wrongMethod = await raw('PUT', `/v1/cashflows/${crypto.randomUUID()}`);
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
      problem(wrongMethod);
    });

    it('deletes when a client sends a JSON content type without a body', async () => {
      const row = await cashflow();
      const response = await fetch(`${app.url}/v1/cashflows/${row.id}`, {
        method: 'DELETE',
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(response.status).toBe(204);
    });

    it('takes a JSON merge patch as a PATCH body', async () => {
      const row = await cashflow();
      const response = await fetch(`${app.url}/v1/cashflows/${row.id}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ portfolio_id: null }),
      });
      expect(response.status).toBe(200);
      expect((await response.json()).portfolio_id).toBeNull();
    });
  });
});
