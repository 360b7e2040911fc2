import { z } from 'zod';
import { defineResource, field, filter } from '../resource.js';

const depository = field.reference('depository', 'The depository (custodian) that delivered it.');
const account = field.reference('account', 'The account it is of.');
const snapshotDate = field.date('The day the custodian says the snapshot is of.');

export const custodianSnapshotResource = defineResource({
  name: 'custodian_snapshot',
  plural: 'custodian_snapshots',
  table: 'custodian_snapshots',
  family: 'accounts',
  owner: 'client',
  description:
    'An account’s raw statement exactly as its custodian delivered it over a custodian connection (never written by clients).',
  readOnly: true,
  fields: {
    depository_id: depository,
    account_id: account,
    // Authorities are not a described resource, so this is an id to look up, not a relation.
    authority_id: field.text(
      'The id of the custodian authority it was fetched under; null for imported data.',
      {
        nullable: true,
      },
    ),
    snapshot_date: snapshotDate,
    received_at: field.datetime('When Portico received it.'),
    payload: field.json(
      'The document in the custodian’s own format.',
      z.record(z.string(), z.unknown(), { error: 'must be an object' }),
    ),
  },
  filters: {
    account_id: filter.equals('account_id', account),
    depository_id: filter.equals('depository_id', depository),
    from_date: filter.from('snapshot_date', snapshotDate),
    to_date: filter.to('snapshot_date', snapshotDate),
  },
});
