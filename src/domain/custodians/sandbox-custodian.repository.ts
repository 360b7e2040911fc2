// What the sandbox custodian "holds" for an account: Portico's own rows for it. A real custodian
// would answer from its books; the sandbox answers from the database, narrowed to the account's
// tenant and white label like any other read.

import { joinedVisibleTo, visibleTo } from '../visibility.js';
import type { ReadDb, TenantScope } from '../write.js';

const clientOwned = { whiteLabel: true };

export async function statementSource(db: ReadDb, scope: TenantScope, accountId: string) {
  const [account, positions, holding] = await Promise.all([
    visibleTo(db.selectFrom('accounts'), scope, 'accounts', clientOwned)
      .select(['account_number', 'currency'])
      .where('id', '=', accountId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst(),
    visibleTo(
      db.selectFrom('positions').innerJoin('instruments', (join) =>
        joinedVisibleTo(join.onRef('instruments.id', '=', 'positions.instrument_id'), scope, 'instruments', {
          whiteLabel: false,
        }),
      ),
      scope,
      'positions',
      clientOwned,
    )
      .select([
        'instruments.isin',
        'instruments.name',
        'positions.quantity',
        'positions.par',
        'positions.mark_price',
        'positions.market_value',
        'positions.currency',
        'positions.as_of',
      ])
      .where('positions.account_id', '=', accountId)
      .where('positions.deleted_at', 'is', null)
      .orderBy('positions.id')
      .execute(),
    // The cash comes from the latest holdings snapshot, the one place Portico keeps a balance.
    visibleTo(db.selectFrom('account_holdings'), scope, 'account_holdings', clientOwned)
      .select('cash_balance')
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .orderBy('holding_date', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return account && { account, positions, cash: holding?.cash_balance ?? '0' };
}
