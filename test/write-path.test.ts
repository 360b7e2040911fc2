import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWhiteLabel } from '../src/domain/tenants/tenants.repository.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { WriteWithoutEventError, write } from '../src/domain/write.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

describe.each(engines)('the domain write path on %s', (engine) => {
  let database: TestDatabase;
  let tenantId: string;
  const scope = () => ({ tenantId, whiteLabelId: null });
  const events = () =>
    database.db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const whiteLabels = (name: string) =>
    database.db
      .selectFrom('white_labels')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .execute();

  beforeAll(async () => {
    database = await isolatedDatabase(engine);
    tenantId = (await createTenant(database.db, 'Write path')).id;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('records the tenant creation itself in the log', async () => {
    const [created] = await events();
    expect(created).toMatchObject({ type: 'tenant.created', resource_type: 'tenant', resource_id: tenantId });
  });

  it('commits the change and its event together', async () => {
    const row = await write(database.db, scope(), async (tx, emit) => {
      const wl = await insertWhiteLabel(tx, tenantId, 'Nordic');
      emit({ type: 'white-label.created', resourceId: wl.id, data: wl, changedFields: ['name'] });
      return wl;
    });
    const event = (await events()).find((e) => e.resource_id === row.id);
    expect(event).toMatchObject({
      type: 'white-label.created',
      resource_type: 'white-label',
      changed_fields: ['name'],
      data: expect.objectContaining({ name: 'Nordic' }),
    });
    expect(event?.tx_id).toMatch(/^\d+$/);
  });

  it('rolls back a change that emits no event', async () => {
    await expect(
      write(database.db, scope(), async (tx) => {
        await insertWhiteLabel(tx, tenantId, 'Silent');
      }),
    ).rejects.toBeInstanceOf(WriteWithoutEventError);
    expect(await whiteLabels('Silent')).toEqual([]);
  });

  it('rolls back both the change and its event when the change fails later', async () => {
    const before = (await events()).length;
    await expect(
      write(database.db, scope(), async (tx, emit) => {
        const wl = await insertWhiteLabel(tx, tenantId, 'Doomed');
        emit({ type: 'white-label.created', resourceId: wl.id, data: wl });
        await insertWhiteLabel(tx, tenantId, 'Doomed'); // unique (tenant_id, name) violation
      }),
    ).rejects.toThrow();
    expect(await whiteLabels('Doomed')).toEqual([]);
    expect((await events()).length).toBe(before);
  });

  it('lets the compiler refuse repository writes outside the write path', () => {
    // @ts-expect-error a plain Kysely instance is not a WriteTx: writes must go through write()
    const attempt = () => insertWhiteLabel(database.db, tenantId, 'Bypass');
    expect(typeof attempt).toBe('function');
  });
});
