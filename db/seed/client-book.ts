import { addAccount } from './account-book.js';
import type { BookContext, ClientBook, Owner } from './book.js';
import { fixed } from './decimal.js';
import { addPortfolioReporting } from './portfolio-book.js';
import {
  bankSuffixes,
  clientCurrencyWeights,
  domicileOf,
  institutionKinds,
  portfolioStrategies,
} from './reference-data.js';
import { emptyRows, reference, type SeedRows } from './rows.js';

/** Everything one client owns, in table order. Draws only from the client's own random stream. */
export function buildClientBook(context: BookContext, clientIndex: number): SeedRows {
  const { rng, ids, spec, whiteLabelIds } = context;
  const faker = rng.faker;
  const rows = emptyRows();
  const tenantId = ids.tenantId;
  const clientNumber = clientIndex + 1;

  const baseCurrency = rng.weighted(clientCurrencyWeights);
  const country = rng.pick(domicileOf[baseCurrency]);
  const kind = rng.weighted([
    ['individual', 35],
    ['family', 45],
    ['institution', 20],
  ] as const);
  const principal = { firstName: faker.person.firstName(), lastName: faker.person.lastName() };
  const family = principal.lastName;
  const clientName =
    kind === 'individual'
      ? `${principal.firstName} ${principal.lastName}`
      : kind === 'family'
        ? `${family} Family`
        : `${faker.location.city()} ${rng.pick(institutionKinds)}`;
  const owner: Owner = {
    tenant_id: tenantId,
    white_label_id: whiteLabelIds.length > 0 ? whiteLabelIds[clientIndex % whiteLabelIds.length]! : null,
    client_id: ids.next('clients'),
  };
  rows.clients.push({
    id: owner.client_id,
    tenant_id: tenantId,
    white_label_id: owner.white_label_id,
    name: clientName,
    kind,
    base_currency: baseCurrency,
    external_reference: reference('CRM', clientNumber),
  });

  const emails = new Set<string>();
  for (let u = 0; u < spec.usersPerClient; u++) {
    const person =
      u === 0 && kind !== 'institution'
        ? principal
        : { firstName: faker.person.firstName(), lastName: faker.person.lastName() };
    let email = faker.internet
      .email({ ...person, provider: rng.pick(['example.com', 'example.org', 'example.net']) })
      .toLowerCase();
    if (emails.has(email)) email = email.replace('@', `.${u}@`);
    emails.add(email);
    rows.users.push({
      id: ids.next('users'),
      ...owner,
      name: `${person.firstName} ${person.lastName}`,
      email,
      external_reference: null,
    });
  }

  // Entity 0 is the client itself (the principal, or the institution); later entities are
  // vehicles owned by earlier ones, which keeps the ownership graph acyclic.
  const entities: { id: string; name: string }[] = [];
  for (let e = 0; e < spec.legalEntitiesPerClient; e++) {
    const entityKind =
      e === 0
        ? kind === 'institution'
          ? 'foundation'
          : 'person'
        : rng.weighted([
            ['company', 50],
            ['trust', 20],
            ['foundation', 15],
            ['partnership', 15],
          ] as const);
    const name =
      e === 0
        ? kind === 'institution'
          ? clientName
          : `${principal.firstName} ${principal.lastName}`
        : entityKind === 'company'
          ? `${family} ${rng.pick(['Holding', 'Capital', 'Invest', 'Beteiligungen'])} ${rng.pick(['AG', 'SA', 'Ltd', 'GmbH'])}`
          : entityKind === 'trust'
            ? `${family} ${rng.pick(['Family', 'Heritage', 'Education'])} Trust`
            : entityKind === 'foundation'
              ? `${family} ${rng.pick(['Foundation', 'Stiftung', 'Charitable Foundation'])}`
              : `${family} ${rng.pick(['Partners', 'Ventures', 'Real Estate'])} LP`;
    const entityCountry =
      entityKind === 'person' || rng.chance(0.6) ? country : rng.pick(['LU', 'LI', 'CH', 'GB', 'JE']);
    const entity = { id: ids.next('legal_entities'), name };
    entities.push(entity);
    rows.legal_entities.push({
      ...entity,
      ...owner,
      kind: entityKind,
      country: entityCountry,
      registration_number:
        entityKind === 'person'
          ? null
          : `${entityCountry}-${rng.digits(3)}.${rng.digits(3)}.${rng.digits(3)}`,
      external_reference: null,
    });
  }

  const entityIndexes = entities.map((_, index) => index);
  for (let owned = 1; owned < entities.length; owned++) {
    // In 1e-4 percent. Two owners together never hold more than 100 %.
    const owners = rng.sample(entityIndexes.slice(0, owned), Math.min(2, owned));
    const first = owners.length === 1 ? rng.pick([100, 100, 75, 60, 51]) * 10_000 : rng.int(200, 360) * 2_500;
    const shares = owners.length === 1 ? [first] : [first, rng.int(1, (1_000_000 - first) / 2_500) * 2_500];
    owners.forEach((ownerIndex, i) => {
      rows.legal_entity_ownerships.push({
        id: ids.next('legal_entity_ownerships'),
        ...owner,
        owner_id: entities[ownerIndex]!.id,
        owned_id: entities[owned]!.id,
        share_percent: fixed(shares[i]!, 4),
        external_reference: null,
      });
    });
  }

  const reportingNames = [
    'Liquid Assets',
    'Long-Term Holdings',
    'Next Generation',
    'Operating Companies',
    'Philanthropy',
  ];
  const reportingEntities: string[] = [];
  for (let r = 0; r < spec.reportingEntitiesPerClient; r++) {
    const id = ids.next('reporting_entities');
    rows.reporting_entities.push({
      id,
      ...owner,
      parent_id: r === 0 ? null : rng.pick(reportingEntities),
      legal_entity_id: r === 0 ? entities[0]!.id : rng.chance(0.6) ? rng.pick(entities).id : null,
      name: r === 0 ? `${clientName} Total Wealth` : reportingNames[(r - 1) % reportingNames.length]!,
      external_reference: null,
    });
    reportingEntities.push(id);
  }

  rows.users.forEach((user, u) => {
    const role = u === 0 ? 'owner' : rng.pick(['admin', 'advisor', 'viewer']);
    rows.role_assignments.push({
      id: ids.next('role_assignments'),
      ...owner,
      user_id: user.id,
      role,
      legal_entity_id: role === 'owner' ? null : rng.pick(entities).id,
      reporting_entity_id: role === 'owner' ? reportingEntities[0]! : null,
      external_reference: null,
    });
  });

  const depositories: { id: string; name: string }[] = [];
  for (let d = 0; d < spec.accountsPerClient; d++) {
    const name = `${faker.person.lastName()} ${rng.pick(bankSuffixes)}`;
    const depository = { id: ids.next('depositories'), name };
    depositories.push(depository);
    const bankCountry = rng.pick(['CH', 'LU', 'DE', 'GB', 'US', 'NO', 'SE', 'DK', 'FR']);
    rows.depositories.push({
      ...depository,
      ...owner,
      bic: `${rng.letters(4)}${bankCountry}${rng.alphanumeric(2)}${rng.chance(0.5) ? rng.alphanumeric(3) : ''}`,
      external_reference: null,
    });
  }

  const portfolios = rng.sample(portfolioStrategies, spec.portfoliosPerClient).map((strategy, p) => {
    const id = ids.next('portfolios');
    rows.portfolios.push({
      id,
      ...owner,
      reporting_entity_id: rng.chance(0.8) ? rng.pick(reportingEntities) : null,
      name: strategy,
      base_currency: baseCurrency,
      external_reference: `${reference('PF', clientNumber)}-${p + 1}`,
    });
    return id;
  });

  let transactionNumber = 0;
  const book: ClientBook = {
    context,
    rows,
    owner,
    baseCurrency,
    entities,
    portfolios,
    portfolioValues: new Map(portfolios.map((id) => [id, 0n])),
    nextTransactionReference: () =>
      `${reference('TRX', clientNumber)}-${String(++transactionNumber).padStart(5, '0')}`,
  };
  depositories.forEach((depository, a) => {
    addAccount(book, depository.id, a);
  });
  for (const portfolio of rows.portfolios) addPortfolioReporting(book, portfolio);
  return rows;
}
