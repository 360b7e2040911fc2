/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A calendar date, YYYY-MM-DD (ISO 8601). */
  Date: { input: string; output: string; }
  /** A point in time, ISO 8601 with offset (UTC on output). */
  DateTime: { input: string; output: string; }
  /** An exact decimal number, as a string such as "1234.56". */
  Decimal: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** A custody, cash or margin account held at a depository. */
export type Account = Node & {
  __typename?: 'Account';
  /** The depository’s account number. */
  accountNumber: Maybe<Scalars['String']['output']>;
  /** Cashflows of the account. */
  cashflows: CashflowConnection;
  /** The client this belongs to. */
  client: Client;
  /** Closing date. */
  closedOn: Maybe<Scalars['Date']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Account currency. */
  currency: Scalars['String']['output'];
  /** The depository (custodian) holding the account. */
  depository: Maybe<Depository>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** What kind of account. */
  kind: AccountKind;
  /** The legal entity that owns the account. */
  legalEntity: Maybe<LegalEntity>;
  /** Account name. */
  name: Scalars['String']['output'];
  /** Opening date. */
  openedOn: Maybe<Scalars['Date']['output']>;
  /** Positions held in the account. */
  positions: PositionConnection;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A custody, cash or margin account held at a depository. */
export type AccountCashflowsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  status: InputMaybe<CashflowStatus>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


/** A custody, cash or margin account held at a depository. */
export type AccountPositionsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  industryId: InputMaybe<Scalars['ID']['input']>;
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  issuerId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type AccountConnection = {
  __typename?: 'AccountConnection';
  edges: Array<AccountEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type AccountEdge = {
  __typename?: 'AccountEdge';
  cursor: Scalars['String']['output'];
  node: Account;
};

/** An account-level holdings snapshot for one day: market value, cash and the lines behind them. */
export type AccountHolding = Node & {
  __typename?: 'AccountHolding';
  /** The account the snapshot is of. */
  account: Account;
  /** Cash balance. */
  cashBalance: Money;
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the values. */
  currency: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  /** The day of the snapshot. */
  holdingDate: Scalars['Date']['output'];
  id: Scalars['ID']['output'];
  /** The snapshot’s lines, as delivered by the custodian. */
  lines: Scalars['JSON']['output'];
  /** Market value of the account’s holdings. */
  marketValue: Money;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type AccountHoldingConnection = {
  __typename?: 'AccountHoldingConnection';
  edges: Array<AccountHoldingEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type AccountHoldingEdge = {
  __typename?: 'AccountHoldingEdge';
  cursor: Scalars['String']['output'];
  node: AccountHolding;
};

/** What kind of account. */
export type AccountKind =
  | 'CASH'
  | 'CUSTODY'
  | 'MARGIN';

/** An API key of the caller’s tenant. The secret is shown only when the key is created. */
export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['String']['output'];
  description: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastUsedAt: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  publicId: Scalars['String']['output'];
  scopes: Array<Scalars['String']['output']>;
};

/** A movement of cash, expected or posted: coupons, principal, dividends, fees, interest, deposits, withdrawals, tax. */
export type Cashflow = Node & {
  __typename?: 'Cashflow';
  /** The account the cash moves in. */
  account: Account;
  /** Signed amount: positive into the account, negative out. */
  amount: Money;
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the amount. */
  currency: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The instrument it arises from. */
  instrument: Maybe<Instrument>;
  /** What kind of cashflow. */
  kind: CashflowKind;
  /** The portfolio it is attributed to. */
  portfolio: Maybe<Portfolio>;
  /** The position it arises from. */
  position: Maybe<Position>;
  /** Expected (projected) or posted (booked). */
  status: CashflowStatus;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** Value date. */
  valueDate: Scalars['Date']['output'];
};

export type CashflowConnection = {
  __typename?: 'CashflowConnection';
  edges: Array<CashflowEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type CashflowEdge = {
  __typename?: 'CashflowEdge';
  cursor: Scalars['String']['output'];
  node: Cashflow;
};

/** What kind of cashflow. */
export type CashflowKind =
  | 'COUPON'
  | 'DEPOSIT'
  | 'DIVIDEND'
  | 'FEE'
  | 'INTEREST'
  | 'PRINCIPAL'
  | 'TAX'
  | 'WITHDRAWAL';

/** Expected (projected) or posted (booked). */
export type CashflowStatus =
  | 'EXPECTED'
  | 'POSTED';

/** A client of the tenant (an individual, a family or an institution) that owns its wealth data. */
export type Client = Node & {
  __typename?: 'Client';
  /** The client’s accounts. */
  accounts: AccountConnection;
  /** Currency the client reports in. */
  baseCurrency: Scalars['String']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** What kind of client. */
  kind: ClientKind;
  /** Client name. */
  name: Scalars['String']['output'];
  /** The client’s portfolios. */
  portfolios: PortfolioConnection;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A client of the tenant (an individual, a family or an institution) that owns its wealth data. */
export type ClientAccountsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  depositoryId: InputMaybe<Scalars['ID']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


/** A client of the tenant (an individual, a family or an institution) that owns its wealth data. */
export type ClientPortfoliosArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  reportingEntityId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type ClientConnection = {
  __typename?: 'ClientConnection';
  edges: Array<ClientEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type ClientEdge = {
  __typename?: 'ClientEdge';
  cursor: Scalars['String']['output'];
  node: Client;
};

/** What kind of client. */
export type ClientKind =
  | 'FAMILY'
  | 'INDIVIDUAL'
  | 'INSTITUTION';

/** The change conflicts with existing data (for example a duplicate natural key). */
export type ConflictError = Error & {
  __typename?: 'ConflictError';
  message: Scalars['String']['output'];
};

/** A new account holding; fields marked required must be given. */
export type CreateAccountHoldingInput = {
  /** The account the snapshot is of. (a global id) */
  accountId: Scalars['ID']['input'];
  /** Cash balance. */
  cashBalance: InputMaybe<Scalars['Decimal']['input']>;
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Currency of the values. */
  currency: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The day of the snapshot. */
  holdingDate: Scalars['Date']['input'];
  /** The snapshot’s lines, as delivered by the custodian. */
  lines: InputMaybe<Scalars['JSON']['input']>;
  /** Market value of the account’s holdings. */
  marketValue: Scalars['Decimal']['input'];
};

export type CreateAccountHoldingResult = ConflictError | CreateAccountHoldingSuccess | NotFoundError | ValidationError;

export type CreateAccountHoldingSuccess = {
  __typename?: 'CreateAccountHoldingSuccess';
  accountHolding: AccountHolding;
};

/** A new account; fields marked required must be given. */
export type CreateAccountInput = {
  /** The depository’s account number. */
  accountNumber: InputMaybe<Scalars['String']['input']>;
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Closing date. */
  closedOn: InputMaybe<Scalars['Date']['input']>;
  /** Account currency. */
  currency: Scalars['String']['input'];
  /** The depository (custodian) holding the account. (a global id) */
  depositoryId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What kind of account. */
  kind: InputMaybe<AccountKind>;
  /** The legal entity that owns the account. (a global id) */
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  /** Account name. */
  name: Scalars['String']['input'];
  /** Opening date. */
  openedOn: InputMaybe<Scalars['Date']['input']>;
};

export type CreateAccountResult = ConflictError | CreateAccountSuccess | NotFoundError | ValidationError;

export type CreateAccountSuccess = {
  __typename?: 'CreateAccountSuccess';
  account: Account;
};

/** A new cashflow; fields marked required must be given. */
export type CreateCashflowInput = {
  /** The account the cash moves in. (a global id) */
  accountId: Scalars['ID']['input'];
  /** Signed amount: positive into the account, negative out. */
  amount: Scalars['Decimal']['input'];
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Currency of the amount. */
  currency: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The instrument it arises from. (a global id) */
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  /** What kind of cashflow. */
  kind: CashflowKind;
  /** The portfolio it is attributed to. (a global id) */
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  /** The position it arises from. (a global id) */
  positionId: InputMaybe<Scalars['ID']['input']>;
  /** Expected (projected) or posted (booked). */
  status: CashflowStatus;
  /** Value date. */
  valueDate: Scalars['Date']['input'];
};

export type CreateCashflowResult = ConflictError | CreateCashflowSuccess | NotFoundError | ValidationError;

export type CreateCashflowSuccess = {
  __typename?: 'CreateCashflowSuccess';
  cashflow: Cashflow;
};

/** A new client; fields marked required must be given. */
export type CreateClientInput = {
  /** Currency the client reports in. */
  baseCurrency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What kind of client. */
  kind: InputMaybe<ClientKind>;
  /** Client name. */
  name: Scalars['String']['input'];
};

export type CreateClientResult = ConflictError | CreateClientSuccess | NotFoundError | ValidationError;

export type CreateClientSuccess = {
  __typename?: 'CreateClientSuccess';
  client: Client;
};

/** A new depository; fields marked required must be given. */
export type CreateDepositoryInput = {
  /** BIC (ISO 9362), 8 or 11 characters. */
  bic: InputMaybe<Scalars['String']['input']>;
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Name of the custodian. */
  name: Scalars['String']['input'];
};

export type CreateDepositoryResult = ConflictError | CreateDepositorySuccess | NotFoundError | ValidationError;

export type CreateDepositorySuccess = {
  __typename?: 'CreateDepositorySuccess';
  depository: Depository;
};

/** A new industry; fields marked required must be given. */
export type CreateIndustryInput = {
  /** Short code, unique within the tenant. */
  code: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Industry name. */
  name: Scalars['String']['input'];
  /** The sector the industry belongs to. */
  sector: Scalars['String']['input'];
};

export type CreateIndustryResult = ConflictError | CreateIndustrySuccess | NotFoundError | ValidationError;

export type CreateIndustrySuccess = {
  __typename?: 'CreateIndustrySuccess';
  industry: Industry;
};

/** A new instrument holding; fields marked required must be given. */
export type CreateInstrumentHoldingInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Currency of the market value. */
  currency: Scalars['String']['input'];
  /** The depository reporting the holding. (a global id) */
  depositoryId: Scalars['ID']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The day of the holding. */
  holdingDate: Scalars['Date']['input'];
  /** The instrument held. (a global id) */
  instrumentId: Scalars['ID']['input'];
  /** Market value. */
  marketValue: InputMaybe<Scalars['Decimal']['input']>;
  /** Units or par held. */
  quantity: Scalars['Decimal']['input'];
};

export type CreateInstrumentHoldingResult = ConflictError | CreateInstrumentHoldingSuccess | NotFoundError | ValidationError;

export type CreateInstrumentHoldingSuccess = {
  __typename?: 'CreateInstrumentHoldingSuccess';
  instrumentHolding: InstrumentHolding;
};

/** A new instrument; fields marked required must be given. */
export type CreateInstrumentInput = {
  /** Coupons per year. */
  couponFrequency: InputMaybe<Scalars['Int']['input']>;
  /** Annual coupon rate as a fraction (0.045 = 4.5 %). */
  couponRate: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency the instrument is denominated in. */
  currency: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** ISIN (ISO 6166), unique within the tenant. */
  isin: InputMaybe<Scalars['String']['input']>;
  /** The issuer. (a global id) */
  issuerId: InputMaybe<Scalars['ID']['input']>;
  /** What kind of instrument. */
  kind: InstrumentKind;
  /** Maturity date, for bonds and loans. */
  maturityDate: InputMaybe<Scalars['Date']['input']>;
  /** Instrument name. */
  name: Scalars['String']['input'];
};

/** A new instrument price; fields marked required must be given. */
export type CreateInstrumentPriceInput = {
  /** Currency of the price. */
  currency: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The priced instrument. (a global id) */
  instrumentId: Scalars['ID']['input'];
  /** The price. */
  price: Scalars['Decimal']['input'];
  /** The day the price is for. */
  priceDate: Scalars['Date']['input'];
};

export type CreateInstrumentPriceResult = ConflictError | CreateInstrumentPriceSuccess | NotFoundError | ValidationError;

export type CreateInstrumentPriceSuccess = {
  __typename?: 'CreateInstrumentPriceSuccess';
  instrumentPrice: InstrumentPrice;
};

export type CreateInstrumentResult = ConflictError | CreateInstrumentSuccess | NotFoundError | ValidationError;

export type CreateInstrumentSuccess = {
  __typename?: 'CreateInstrumentSuccess';
  instrument: Instrument;
};

/** A new investment limit; fields marked required must be given. */
export type CreateInvestmentLimitInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What the limit measures. */
  kind: InvestmentLimitKind;
  /** Highest allowed weight, in percent. */
  maxPercent: InputMaybe<Scalars['Decimal']['input']>;
  /** Lowest allowed weight, in percent. */
  minPercent: InputMaybe<Scalars['Decimal']['input']>;
  /** Name of the limit. */
  name: Scalars['String']['input'];
  /** The portfolio the limit applies to. (a global id) */
  portfolioId: Scalars['ID']['input'];
  /** What it applies to: an issuer, industry or instrument id, or a currency code. */
  target: InputMaybe<Scalars['String']['input']>;
};

export type CreateInvestmentLimitResult = ConflictError | CreateInvestmentLimitSuccess | NotFoundError | ValidationError;

export type CreateInvestmentLimitSuccess = {
  __typename?: 'CreateInvestmentLimitSuccess';
  investmentLimit: InvestmentLimit;
};

/** A new issuer; fields marked required must be given. */
export type CreateIssuerInput = {
  /** Country of incorporation (ISO 3166-1 alpha-2). */
  country: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The issuer’s industry. (a global id) */
  industryId: InputMaybe<Scalars['ID']['input']>;
  /** Legal Entity Identifier (ISO 17442, 20 characters). */
  lei: InputMaybe<Scalars['String']['input']>;
  /** Legal name. */
  name: Scalars['String']['input'];
};

export type CreateIssuerResult = ConflictError | CreateIssuerSuccess | NotFoundError | ValidationError;

export type CreateIssuerSuccess = {
  __typename?: 'CreateIssuerSuccess';
  issuer: Issuer;
};

/** A new legal entity; fields marked required must be given. */
export type CreateLegalEntityInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Country of residence or incorporation. */
  country: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What kind of legal entity. */
  kind: LegalEntityKind;
  /** Legal name. */
  name: Scalars['String']['input'];
  /** Registration number. */
  registrationNumber: InputMaybe<Scalars['String']['input']>;
};

/** A new legal entity ownership; fields marked required must be given. */
export type CreateLegalEntityOwnershipInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The owned entity. (a global id) */
  ownedId: Scalars['ID']['input'];
  /** The owning entity. (a global id) */
  ownerId: Scalars['ID']['input'];
  /** Share owned, in percent (0 exclusive to 100). */
  sharePercent: Scalars['Decimal']['input'];
};

export type CreateLegalEntityOwnershipResult = ConflictError | CreateLegalEntityOwnershipSuccess | NotFoundError | ValidationError;

export type CreateLegalEntityOwnershipSuccess = {
  __typename?: 'CreateLegalEntityOwnershipSuccess';
  legalEntityOwnership: LegalEntityOwnership;
};

export type CreateLegalEntityResult = ConflictError | CreateLegalEntitySuccess | NotFoundError | ValidationError;

export type CreateLegalEntitySuccess = {
  __typename?: 'CreateLegalEntitySuccess';
  legalEntity: LegalEntity;
};

/** A new lot; fields marked required must be given. */
export type CreateLotInput = {
  /** The account holding the lot. (a global id) */
  accountId: Scalars['ID']['input'];
  /** Acquisition date. */
  acquiredOn: Scalars['Date']['input'];
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** When the lot was fully sold. */
  closedOn: InputMaybe<Scalars['Date']['input']>;
  /** Total cost. */
  cost: Scalars['Decimal']['input'];
  /** Cost per unit. */
  costPrice: Scalars['Decimal']['input'];
  /** Currency of the cost. */
  currency: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The instrument. (a global id) */
  instrumentId: Scalars['ID']['input'];
  /** The position the lot is part of. (a global id) */
  positionId: InputMaybe<Scalars['ID']['input']>;
  /** Quantity acquired (positive). */
  quantity: Scalars['Decimal']['input'];
};

export type CreateLotResult = ConflictError | CreateLotSuccess | NotFoundError | ValidationError;

export type CreateLotSuccess = {
  __typename?: 'CreateLotSuccess';
  lot: Lot;
};

/** A new portfolio; fields marked required must be given. */
export type CreatePortfolioInput = {
  /** Currency the portfolio reports in. */
  baseCurrency: Scalars['String']['input'];
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Portfolio name. */
  name: Scalars['String']['input'];
  /** Where the portfolio sits in the reporting tree. (a global id) */
  reportingEntityId: InputMaybe<Scalars['ID']['input']>;
};

export type CreatePortfolioResult = ConflictError | CreatePortfolioSuccess | NotFoundError | ValidationError;

export type CreatePortfolioSuccess = {
  __typename?: 'CreatePortfolioSuccess';
  portfolio: Portfolio;
};

/** A new position; fields marked required must be given. */
export type CreatePositionInput = {
  /** The account holding it. (a global id) */
  accountId: Scalars['ID']['input'];
  /** The day the figures are as of. */
  asOf: Scalars['Date']['input'];
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Book cost. */
  cost: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency of par, cost and market value. */
  currency: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The instrument held. (a global id) */
  instrumentId: Scalars['ID']['input'];
  /** Latest mark price. */
  markPrice: InputMaybe<Scalars['Decimal']['input']>;
  /** Market value at the mark price. */
  marketValue: InputMaybe<Scalars['Decimal']['input']>;
  /** Par (face) amount; set for bonds and loans, null otherwise. */
  par: InputMaybe<Scalars['Decimal']['input']>;
  /** The portfolio the position belongs to. (a global id) */
  portfolioId: Scalars['ID']['input'];
  /** Units held; set for unit-quantity holdings, null for par holdings. */
  quantity: InputMaybe<Scalars['Decimal']['input']>;
};

export type CreatePositionResult = ConflictError | CreatePositionSuccess | NotFoundError | ValidationError;

export type CreatePositionSuccess = {
  __typename?: 'CreatePositionSuccess';
  position: Position;
};

/** A new reporting entity; fields marked required must be given. */
export type CreateReportingEntityInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The legal entity this node stands for, if any. (a global id) */
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  /** Name shown in reports. */
  name: Scalars['String']['input'];
  /** The parent in the reporting tree; null at the root. (a global id) */
  parentId: InputMaybe<Scalars['ID']['input']>;
};

export type CreateReportingEntityResult = ConflictError | CreateReportingEntitySuccess | NotFoundError | ValidationError;

export type CreateReportingEntitySuccess = {
  __typename?: 'CreateReportingEntitySuccess';
  reportingEntity: ReportingEntity;
};

/** A new role assignment; fields marked required must be given. */
export type CreateRoleAssignmentInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The legal entity the role is limited to. (a global id) */
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  /** The reporting entity the role is limited to. (a global id) */
  reportingEntityId: InputMaybe<Scalars['ID']['input']>;
  /** The role. */
  role: RoleAssignmentRole;
  /** The user the role is given to. (a global id) */
  userId: Scalars['ID']['input'];
};

export type CreateRoleAssignmentResult = ConflictError | CreateRoleAssignmentSuccess | NotFoundError | ValidationError;

export type CreateRoleAssignmentSuccess = {
  __typename?: 'CreateRoleAssignmentSuccess';
  roleAssignment: RoleAssignment;
};

/** A new transaction; fields marked required must be given. */
export type CreateTransactionInput = {
  /** The account the transaction is booked in. (a global id) */
  accountId: Scalars['ID']['input'];
  /** Signed cash amount: positive into the account, negative out. */
  amount: Scalars['Decimal']['input'];
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Currency of the amount. */
  currency: Scalars['String']['input'];
  /** Free text. */
  description: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The instrument traded or paying. (a global id) */
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  /** What kind of transaction. */
  kind: TransactionKind;
  /** The portfolio it is attributed to. (a global id) */
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  /** Price per unit. */
  price: InputMaybe<Scalars['Decimal']['input']>;
  /** Units or par traded. */
  quantity: InputMaybe<Scalars['Decimal']['input']>;
  /** Settlement date. */
  settleDate: InputMaybe<Scalars['Date']['input']>;
  /** Trade date. */
  tradeDate: Scalars['Date']['input'];
};

export type CreateTransactionResult = ConflictError | CreateTransactionSuccess | NotFoundError | ValidationError;

export type CreateTransactionSuccess = {
  __typename?: 'CreateTransactionSuccess';
  transaction: Transaction;
};

/** A new user; fields marked required must be given. */
export type CreateUserInput = {
  /** The client this belongs to. (a global id) */
  clientId: InputMaybe<Scalars['ID']['input']>;
  /** Email address, unique within the client. */
  email: Scalars['String']['input'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Full name. */
  name: Scalars['String']['input'];
};

export type CreateUserResult = ConflictError | CreateUserSuccess | NotFoundError | ValidationError;

export type CreateUserSuccess = {
  __typename?: 'CreateUserSuccess';
  user: User;
};

export type CredentialKind =
  | 'API_KEY'
  | 'OAUTH_CLIENT';

export type DeleteAccountHoldingResult = ConflictError | DeleteAccountHoldingSuccess | NotFoundError | ValidationError;

export type DeleteAccountHoldingSuccess = {
  __typename?: 'DeleteAccountHoldingSuccess';
  accountHolding: AccountHolding;
};

export type DeleteAccountResult = ConflictError | DeleteAccountSuccess | NotFoundError | ValidationError;

export type DeleteAccountSuccess = {
  __typename?: 'DeleteAccountSuccess';
  account: Account;
};

export type DeleteCashflowResult = ConflictError | DeleteCashflowSuccess | NotFoundError | ValidationError;

export type DeleteCashflowSuccess = {
  __typename?: 'DeleteCashflowSuccess';
  cashflow: Cashflow;
};

export type DeleteClientResult = ConflictError | DeleteClientSuccess | NotFoundError | ValidationError;

export type DeleteClientSuccess = {
  __typename?: 'DeleteClientSuccess';
  client: Client;
};

export type DeleteDepositoryResult = ConflictError | DeleteDepositorySuccess | NotFoundError | ValidationError;

export type DeleteDepositorySuccess = {
  __typename?: 'DeleteDepositorySuccess';
  depository: Depository;
};

export type DeleteIndustryResult = ConflictError | DeleteIndustrySuccess | NotFoundError | ValidationError;

export type DeleteIndustrySuccess = {
  __typename?: 'DeleteIndustrySuccess';
  industry: Industry;
};

export type DeleteInstrumentHoldingResult = ConflictError | DeleteInstrumentHoldingSuccess | NotFoundError | ValidationError;

export type DeleteInstrumentHoldingSuccess = {
  __typename?: 'DeleteInstrumentHoldingSuccess';
  instrumentHolding: InstrumentHolding;
};

export type DeleteInstrumentPriceResult = ConflictError | DeleteInstrumentPriceSuccess | NotFoundError | ValidationError;

export type DeleteInstrumentPriceSuccess = {
  __typename?: 'DeleteInstrumentPriceSuccess';
  instrumentPrice: InstrumentPrice;
};

export type DeleteInstrumentResult = ConflictError | DeleteInstrumentSuccess | NotFoundError | ValidationError;

export type DeleteInstrumentSuccess = {
  __typename?: 'DeleteInstrumentSuccess';
  instrument: Instrument;
};

export type DeleteInvestmentLimitResult = ConflictError | DeleteInvestmentLimitSuccess | NotFoundError | ValidationError;

export type DeleteInvestmentLimitSuccess = {
  __typename?: 'DeleteInvestmentLimitSuccess';
  investmentLimit: InvestmentLimit;
};

export type DeleteIssuerResult = ConflictError | DeleteIssuerSuccess | NotFoundError | ValidationError;

export type DeleteIssuerSuccess = {
  __typename?: 'DeleteIssuerSuccess';
  issuer: Issuer;
};

export type DeleteLegalEntityOwnershipResult = ConflictError | DeleteLegalEntityOwnershipSuccess | NotFoundError | ValidationError;

export type DeleteLegalEntityOwnershipSuccess = {
  __typename?: 'DeleteLegalEntityOwnershipSuccess';
  legalEntityOwnership: LegalEntityOwnership;
};

export type DeleteLegalEntityResult = ConflictError | DeleteLegalEntitySuccess | NotFoundError | ValidationError;

export type DeleteLegalEntitySuccess = {
  __typename?: 'DeleteLegalEntitySuccess';
  legalEntity: LegalEntity;
};

export type DeleteLotResult = ConflictError | DeleteLotSuccess | NotFoundError | ValidationError;

export type DeleteLotSuccess = {
  __typename?: 'DeleteLotSuccess';
  lot: Lot;
};

export type DeletePortfolioResult = ConflictError | DeletePortfolioSuccess | NotFoundError | ValidationError;

export type DeletePortfolioSuccess = {
  __typename?: 'DeletePortfolioSuccess';
  portfolio: Portfolio;
};

export type DeletePositionResult = ConflictError | DeletePositionSuccess | NotFoundError | ValidationError;

export type DeletePositionSuccess = {
  __typename?: 'DeletePositionSuccess';
  position: Position;
};

export type DeleteReportingEntityResult = ConflictError | DeleteReportingEntitySuccess | NotFoundError | ValidationError;

export type DeleteReportingEntitySuccess = {
  __typename?: 'DeleteReportingEntitySuccess';
  reportingEntity: ReportingEntity;
};

export type DeleteRoleAssignmentResult = ConflictError | DeleteRoleAssignmentSuccess | NotFoundError | ValidationError;

export type DeleteRoleAssignmentSuccess = {
  __typename?: 'DeleteRoleAssignmentSuccess';
  roleAssignment: RoleAssignment;
};

export type DeleteTransactionResult = ConflictError | DeleteTransactionSuccess | NotFoundError | ValidationError;

export type DeleteTransactionSuccess = {
  __typename?: 'DeleteTransactionSuccess';
  transaction: Transaction;
};

export type DeleteUserResult = ConflictError | DeleteUserSuccess | NotFoundError | ValidationError;

export type DeleteUserSuccess = {
  __typename?: 'DeleteUserSuccess';
  user: User;
};

/** A custodian or bank holding a client’s accounts. */
export type Depository = Node & {
  __typename?: 'Depository';
  /** Accounts held at this depository. */
  accounts: AccountConnection;
  /** BIC (ISO 9362), 8 or 11 characters. */
  bic: Maybe<Scalars['String']['output']>;
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Name of the custodian. */
  name: Scalars['String']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A custodian or bank holding a client’s accounts. */
export type DepositoryAccountsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type DepositoryConnection = {
  __typename?: 'DepositoryConnection';
  edges: Array<DepositoryEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type DepositoryEdge = {
  __typename?: 'DepositoryEdge';
  cursor: Scalars['String']['output'];
  node: Depository;
};

/** An expected failure of a mutation. */
export type Error = {
  message: Scalars['String']['output'];
};

/** One refused input field and why. */
export type FieldIssue = {
  __typename?: 'FieldIssue';
  /** The input field, as named in the mutation’s input. */
  field: Scalars['String']['output'];
  /** Why it was refused. */
  message: Scalars['String']['output'];
};

/** An industry classification (sector and industry) that issuers belong to. */
export type Industry = Node & {
  __typename?: 'Industry';
  /** Short code, unique within the tenant. */
  code: Scalars['String']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Issuers in this industry. */
  issuers: IssuerConnection;
  /** Industry name. */
  name: Scalars['String']['output'];
  /** The sector the industry belongs to. */
  sector: Scalars['String']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** An industry classification (sector and industry) that issuers belong to. */
export type IndustryIssuersArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type IndustryConnection = {
  __typename?: 'IndustryConnection';
  edges: Array<IndustryEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type IndustryEdge = {
  __typename?: 'IndustryEdge';
  cursor: Scalars['String']['output'];
  node: Industry;
};

/** A security or contract that can be held: bond, loan, equity, fund, ETF, cash or deposit. */
export type Instrument = Node & {
  __typename?: 'Instrument';
  /** Coupons per year. */
  couponFrequency: Maybe<Scalars['Int']['output']>;
  /** Annual coupon rate as a fraction (0.045 = 4.5 %). */
  couponRate: Maybe<Scalars['Decimal']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency the instrument is denominated in. */
  currency: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** ISIN (ISO 6166), unique within the tenant. */
  isin: Maybe<Scalars['String']['output']>;
  /** The issuer. */
  issuer: Maybe<Issuer>;
  /** What kind of instrument. */
  kind: InstrumentKind;
  /** Maturity date, for bonds and loans. */
  maturityDate: Maybe<Scalars['Date']['output']>;
  /** Instrument name. */
  name: Scalars['String']['output'];
  /** The price series. */
  prices: InstrumentPriceConnection;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A security or contract that can be held: bond, loan, equity, fund, ETF, cash or deposit. */
export type InstrumentPricesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type InstrumentConnection = {
  __typename?: 'InstrumentConnection';
  edges: Array<InstrumentEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type InstrumentEdge = {
  __typename?: 'InstrumentEdge';
  cursor: Scalars['String']['output'];
  node: Instrument;
};

/** How much of one instrument a depository holds for a client on one day. */
export type InstrumentHolding = Node & {
  __typename?: 'InstrumentHolding';
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the market value. */
  currency: Scalars['String']['output'];
  /** The depository reporting the holding. */
  depository: Depository;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  /** The day of the holding. */
  holdingDate: Scalars['Date']['output'];
  id: Scalars['ID']['output'];
  /** The instrument held. */
  instrument: Instrument;
  /** Market value. */
  marketValue: Maybe<Money>;
  /** Units or par held. */
  quantity: Scalars['Decimal']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type InstrumentHoldingConnection = {
  __typename?: 'InstrumentHoldingConnection';
  edges: Array<InstrumentHoldingEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type InstrumentHoldingEdge = {
  __typename?: 'InstrumentHoldingEdge';
  cursor: Scalars['String']['output'];
  node: InstrumentHolding;
};

/** What kind of instrument. */
export type InstrumentKind =
  | 'BOND'
  | 'CASH'
  | 'DEPOSIT'
  | 'EQUITY'
  | 'ETF'
  | 'FUND'
  | 'LOAN';

/** One day’s price of an instrument; one per instrument and day. */
export type InstrumentPrice = Node & {
  __typename?: 'InstrumentPrice';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the price. */
  currency: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The priced instrument. */
  instrument: Instrument;
  /** The price. */
  price: Money;
  /** The day the price is for. */
  priceDate: Scalars['Date']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type InstrumentPriceConnection = {
  __typename?: 'InstrumentPriceConnection';
  edges: Array<InstrumentPriceEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type InstrumentPriceEdge = {
  __typename?: 'InstrumentPriceEdge';
  cursor: Scalars['String']['output'];
  node: InstrumentPrice;
};

/** An investment-policy limit on a portfolio: a minimum or maximum weight of an issuer, industry, instrument, currency or cash. */
export type InvestmentLimit = Node & {
  __typename?: 'InvestmentLimit';
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** What the limit measures. */
  kind: InvestmentLimitKind;
  /** Highest allowed weight, in percent. */
  maxPercent: Maybe<Scalars['Decimal']['output']>;
  /** Lowest allowed weight, in percent. */
  minPercent: Maybe<Scalars['Decimal']['output']>;
  /** Name of the limit. */
  name: Scalars['String']['output'];
  /** The portfolio the limit applies to. */
  portfolio: Portfolio;
  /** What it applies to: an issuer, industry or instrument id, or a currency code. */
  target: Maybe<Scalars['String']['output']>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type InvestmentLimitConnection = {
  __typename?: 'InvestmentLimitConnection';
  edges: Array<InvestmentLimitEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type InvestmentLimitEdge = {
  __typename?: 'InvestmentLimitEdge';
  cursor: Scalars['String']['output'];
  node: InvestmentLimit;
};

/** What the limit measures. */
export type InvestmentLimitKind =
  | 'MAX_CURRENCY_WEIGHT'
  | 'MAX_INDUSTRY_WEIGHT'
  | 'MAX_INSTRUMENT_WEIGHT'
  | 'MAX_ISSUER_WEIGHT'
  | 'MIN_CASH_WEIGHT';

/** A company, government or fund that issues instruments. */
export type Issuer = Node & {
  __typename?: 'Issuer';
  /** Country of incorporation (ISO 3166-1 alpha-2). */
  country: Maybe<Scalars['String']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The issuer’s industry. */
  industry: Maybe<Industry>;
  /** Instruments this issuer issued. */
  instruments: InstrumentConnection;
  /** Legal Entity Identifier (ISO 17442, 20 characters). */
  lei: Maybe<Scalars['String']['output']>;
  /** Legal name. */
  name: Scalars['String']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A company, government or fund that issues instruments. */
export type IssuerInstrumentsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  industryId: InputMaybe<Scalars['ID']['input']>;
  kind: InputMaybe<InstrumentKind>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type IssuerConnection = {
  __typename?: 'IssuerConnection';
  edges: Array<IssuerEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type IssuerEdge = {
  __typename?: 'IssuerEdge';
  cursor: Scalars['String']['output'];
  node: Issuer;
};

/** A person, company, trust, foundation or partnership of a client; ownerships link them into a graph. */
export type LegalEntity = Node & {
  __typename?: 'LegalEntity';
  /** Accounts the entity owns. */
  accounts: AccountConnection;
  /** The client this belongs to. */
  client: Client;
  /** Country of residence or incorporation. */
  country: Maybe<Scalars['String']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** What kind of legal entity. */
  kind: LegalEntityKind;
  /** Legal name. */
  name: Scalars['String']['output'];
  /** Ownership edges from this entity: what it owns, with what share. */
  owned: LegalEntityOwnershipConnection;
  /** Ownership edges pointing at this entity: who owns it, with what share. */
  owners: LegalEntityOwnershipConnection;
  /** Registration number. */
  registrationNumber: Maybe<Scalars['String']['output']>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A person, company, trust, foundation or partnership of a client; ownerships link them into a graph. */
export type LegalEntityAccountsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  depositoryId: InputMaybe<Scalars['ID']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


/** A person, company, trust, foundation or partnership of a client; ownerships link them into a graph. */
export type LegalEntityOwnedArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  ownedId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


/** A person, company, trust, foundation or partnership of a client; ownerships link them into a graph. */
export type LegalEntityOwnersArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  ownerId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type LegalEntityConnection = {
  __typename?: 'LegalEntityConnection';
  edges: Array<LegalEntityEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type LegalEntityEdge = {
  __typename?: 'LegalEntityEdge';
  cursor: Scalars['String']['output'];
  node: LegalEntity;
};

/** What kind of legal entity. */
export type LegalEntityKind =
  | 'COMPANY'
  | 'FOUNDATION'
  | 'PARTNERSHIP'
  | 'PERSON'
  | 'TRUST';

/** An edge of the ownership graph: one legal entity owns a share of another. */
export type LegalEntityOwnership = Node & {
  __typename?: 'LegalEntityOwnership';
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The owned entity. */
  owned: LegalEntity;
  /** The owning entity. */
  owner: LegalEntity;
  /** Share owned, in percent (0 exclusive to 100). */
  sharePercent: Scalars['Decimal']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type LegalEntityOwnershipConnection = {
  __typename?: 'LegalEntityOwnershipConnection';
  edges: Array<LegalEntityOwnershipEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type LegalEntityOwnershipEdge = {
  __typename?: 'LegalEntityOwnershipEdge';
  cursor: Scalars['String']['output'];
  node: LegalEntityOwnership;
};

/** A tax lot: a quantity of an instrument acquired on one day at one cost. */
export type Lot = Node & {
  __typename?: 'Lot';
  /** The account holding the lot. */
  account: Account;
  /** Acquisition date. */
  acquiredOn: Scalars['Date']['output'];
  /** The client this belongs to. */
  client: Client;
  /** When the lot was fully sold. */
  closedOn: Maybe<Scalars['Date']['output']>;
  /** Total cost. */
  cost: Money;
  /** Cost per unit. */
  costPrice: Scalars['Decimal']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the cost. */
  currency: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The instrument. */
  instrument: Instrument;
  /** The position the lot is part of. */
  position: Maybe<Position>;
  /** Quantity acquired (positive). */
  quantity: Scalars['Decimal']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type LotConnection = {
  __typename?: 'LotConnection';
  edges: Array<LotEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type LotEdge = {
  __typename?: 'LotEdge';
  cursor: Scalars['String']['output'];
  node: Lot;
};

/** An amount with its currency; the amount is an exact decimal string. */
export type Money = {
  __typename?: 'Money';
  amount: Scalars['Decimal']['output'];
  /** ISO 4217 code. */
  currency: Scalars['String']['output'];
};

/** Every change goes through the event log: its event carries the changed fields. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Creates a account. */
  createAccount: CreateAccountResult;
  /** Creates a account holding. */
  createAccountHolding: CreateAccountHoldingResult;
  /** Creates a cashflow. */
  createCashflow: CreateCashflowResult;
  /** Creates a client. */
  createClient: CreateClientResult;
  /** Creates a depository. */
  createDepository: CreateDepositoryResult;
  /** Creates a industry. */
  createIndustry: CreateIndustryResult;
  /** Creates a instrument. */
  createInstrument: CreateInstrumentResult;
  /** Creates a instrument holding. */
  createInstrumentHolding: CreateInstrumentHoldingResult;
  /** Creates a instrument price. */
  createInstrumentPrice: CreateInstrumentPriceResult;
  /** Creates a investment limit. */
  createInvestmentLimit: CreateInvestmentLimitResult;
  /** Creates a issuer. */
  createIssuer: CreateIssuerResult;
  /** Creates a legal entity. */
  createLegalEntity: CreateLegalEntityResult;
  /** Creates a legal entity ownership. */
  createLegalEntityOwnership: CreateLegalEntityOwnershipResult;
  /** Creates a lot. */
  createLot: CreateLotResult;
  /** Creates a portfolio. */
  createPortfolio: CreatePortfolioResult;
  /** Creates a position. */
  createPosition: CreatePositionResult;
  /** Creates a reporting entity. */
  createReportingEntity: CreateReportingEntityResult;
  /** Creates a role assignment. */
  createRoleAssignment: CreateRoleAssignmentResult;
  /** Creates a transaction. */
  createTransaction: CreateTransactionResult;
  /** Creates a user. */
  createUser: CreateUserResult;
  /** Deletes a account: it disappears from every read; deleting it again is not found. */
  deleteAccount: DeleteAccountResult;
  /** Deletes a account holding: it disappears from every read; deleting it again is not found. */
  deleteAccountHolding: DeleteAccountHoldingResult;
  /** Deletes a cashflow: it disappears from every read; deleting it again is not found. */
  deleteCashflow: DeleteCashflowResult;
  /** Deletes a client: it disappears from every read; deleting it again is not found. */
  deleteClient: DeleteClientResult;
  /** Deletes a depository: it disappears from every read; deleting it again is not found. */
  deleteDepository: DeleteDepositoryResult;
  /** Deletes a industry: it disappears from every read; deleting it again is not found. */
  deleteIndustry: DeleteIndustryResult;
  /** Deletes a instrument: it disappears from every read; deleting it again is not found. */
  deleteInstrument: DeleteInstrumentResult;
  /** Deletes a instrument holding: it disappears from every read; deleting it again is not found. */
  deleteInstrumentHolding: DeleteInstrumentHoldingResult;
  /** Deletes a instrument price: it disappears from every read; deleting it again is not found. */
  deleteInstrumentPrice: DeleteInstrumentPriceResult;
  /** Deletes a investment limit: it disappears from every read; deleting it again is not found. */
  deleteInvestmentLimit: DeleteInvestmentLimitResult;
  /** Deletes a issuer: it disappears from every read; deleting it again is not found. */
  deleteIssuer: DeleteIssuerResult;
  /** Deletes a legal entity: it disappears from every read; deleting it again is not found. */
  deleteLegalEntity: DeleteLegalEntityResult;
  /** Deletes a legal entity ownership: it disappears from every read; deleting it again is not found. */
  deleteLegalEntityOwnership: DeleteLegalEntityOwnershipResult;
  /** Deletes a lot: it disappears from every read; deleting it again is not found. */
  deleteLot: DeleteLotResult;
  /** Deletes a portfolio: it disappears from every read; deleting it again is not found. */
  deletePortfolio: DeletePortfolioResult;
  /** Deletes a position: it disappears from every read; deleting it again is not found. */
  deletePosition: DeletePositionResult;
  /** Deletes a reporting entity: it disappears from every read; deleting it again is not found. */
  deleteReportingEntity: DeleteReportingEntityResult;
  /** Deletes a role assignment: it disappears from every read; deleting it again is not found. */
  deleteRoleAssignment: DeleteRoleAssignmentResult;
  /** Deletes a transaction: it disappears from every read; deleting it again is not found. */
  deleteTransaction: DeleteTransactionResult;
  /** Deletes a user: it disappears from every read; deleting it again is not found. */
  deleteUser: DeleteUserResult;
  /** Changes a account; its event lists the fields that changed. */
  updateAccount: UpdateAccountResult;
  /** Changes a account holding; its event lists the fields that changed. */
  updateAccountHolding: UpdateAccountHoldingResult;
  /** Changes a cashflow; its event lists the fields that changed. */
  updateCashflow: UpdateCashflowResult;
  /** Changes a client; its event lists the fields that changed. */
  updateClient: UpdateClientResult;
  /** Changes a depository; its event lists the fields that changed. */
  updateDepository: UpdateDepositoryResult;
  /** Changes a industry; its event lists the fields that changed. */
  updateIndustry: UpdateIndustryResult;
  /** Changes a instrument; its event lists the fields that changed. */
  updateInstrument: UpdateInstrumentResult;
  /** Changes a instrument holding; its event lists the fields that changed. */
  updateInstrumentHolding: UpdateInstrumentHoldingResult;
  /** Changes a instrument price; its event lists the fields that changed. */
  updateInstrumentPrice: UpdateInstrumentPriceResult;
  /** Changes a investment limit; its event lists the fields that changed. */
  updateInvestmentLimit: UpdateInvestmentLimitResult;
  /** Changes a issuer; its event lists the fields that changed. */
  updateIssuer: UpdateIssuerResult;
  /** Changes a legal entity; its event lists the fields that changed. */
  updateLegalEntity: UpdateLegalEntityResult;
  /** Changes a legal entity ownership; its event lists the fields that changed. */
  updateLegalEntityOwnership: UpdateLegalEntityOwnershipResult;
  /** Changes a lot; its event lists the fields that changed. */
  updateLot: UpdateLotResult;
  /** Changes a portfolio; its event lists the fields that changed. */
  updatePortfolio: UpdatePortfolioResult;
  /** Changes a position; its event lists the fields that changed. */
  updatePosition: UpdatePositionResult;
  /** Changes a reporting entity; its event lists the fields that changed. */
  updateReportingEntity: UpdateReportingEntityResult;
  /** Changes a role assignment; its event lists the fields that changed. */
  updateRoleAssignment: UpdateRoleAssignmentResult;
  /** Changes a transaction; its event lists the fields that changed. */
  updateTransaction: UpdateTransactionResult;
  /** Changes a user; its event lists the fields that changed. */
  updateUser: UpdateUserResult;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateAccountArgs = {
  input: CreateAccountInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateAccountHoldingArgs = {
  input: CreateAccountHoldingInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateCashflowArgs = {
  input: CreateCashflowInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateClientArgs = {
  input: CreateClientInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateDepositoryArgs = {
  input: CreateDepositoryInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateIndustryArgs = {
  input: CreateIndustryInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateInstrumentArgs = {
  input: CreateInstrumentInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateInstrumentHoldingArgs = {
  input: CreateInstrumentHoldingInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateInstrumentPriceArgs = {
  input: CreateInstrumentPriceInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateInvestmentLimitArgs = {
  input: CreateInvestmentLimitInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateIssuerArgs = {
  input: CreateIssuerInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateLegalEntityArgs = {
  input: CreateLegalEntityInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateLegalEntityOwnershipArgs = {
  input: CreateLegalEntityOwnershipInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateLotArgs = {
  input: CreateLotInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreatePortfolioArgs = {
  input: CreatePortfolioInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreatePositionArgs = {
  input: CreatePositionInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateReportingEntityArgs = {
  input: CreateReportingEntityInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateRoleAssignmentArgs = {
  input: CreateRoleAssignmentInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateTransactionArgs = {
  input: CreateTransactionInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteAccountArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteAccountHoldingArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteCashflowArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteClientArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteDepositoryArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteIndustryArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteInstrumentArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteInstrumentHoldingArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteInstrumentPriceArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteInvestmentLimitArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteIssuerArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteLegalEntityArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteLegalEntityOwnershipArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteLotArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeletePortfolioArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeletePositionArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteReportingEntityArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteRoleAssignmentArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteTransactionArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationDeleteUserArgs = {
  id: Scalars['ID']['input'];
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateAccountArgs = {
  id: Scalars['ID']['input'];
  input: UpdateAccountInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateAccountHoldingArgs = {
  id: Scalars['ID']['input'];
  input: UpdateAccountHoldingInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateCashflowArgs = {
  id: Scalars['ID']['input'];
  input: UpdateCashflowInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateClientArgs = {
  id: Scalars['ID']['input'];
  input: UpdateClientInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateDepositoryArgs = {
  id: Scalars['ID']['input'];
  input: UpdateDepositoryInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateIndustryArgs = {
  id: Scalars['ID']['input'];
  input: UpdateIndustryInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateInstrumentArgs = {
  id: Scalars['ID']['input'];
  input: UpdateInstrumentInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateInstrumentHoldingArgs = {
  id: Scalars['ID']['input'];
  input: UpdateInstrumentHoldingInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateInstrumentPriceArgs = {
  id: Scalars['ID']['input'];
  input: UpdateInstrumentPriceInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateInvestmentLimitArgs = {
  id: Scalars['ID']['input'];
  input: UpdateInvestmentLimitInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateIssuerArgs = {
  id: Scalars['ID']['input'];
  input: UpdateIssuerInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateLegalEntityArgs = {
  id: Scalars['ID']['input'];
  input: UpdateLegalEntityInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateLegalEntityOwnershipArgs = {
  id: Scalars['ID']['input'];
  input: UpdateLegalEntityOwnershipInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateLotArgs = {
  id: Scalars['ID']['input'];
  input: UpdateLotInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdatePortfolioArgs = {
  id: Scalars['ID']['input'];
  input: UpdatePortfolioInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdatePositionArgs = {
  id: Scalars['ID']['input'];
  input: UpdatePositionInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateReportingEntityArgs = {
  id: Scalars['ID']['input'];
  input: UpdateReportingEntityInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateRoleAssignmentArgs = {
  id: Scalars['ID']['input'];
  input: UpdateRoleAssignmentInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateTransactionArgs = {
  id: Scalars['ID']['input'];
  input: UpdateTransactionInput;
};


/** Every change goes through the event log: its event carries the changed fields. */
export type MutationUpdateUserArgs = {
  id: Scalars['ID']['input'];
  input: UpdateUserInput;
};

export type Node = {
  id: Scalars['ID']['output'];
};

/** No such record is visible to the caller. */
export type NotFoundError = Error & {
  __typename?: 'NotFoundError';
  id: Scalars['String']['output'];
  message: Scalars['String']['output'];
  resource: Scalars['String']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor: Maybe<Scalars['String']['output']>;
};

/** A portfolio’s return over a period, as calculated by Portico (never written by clients). */
export type PerformanceResult = Node & {
  __typename?: 'PerformanceResult';
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the values. */
  currency: Scalars['String']['output'];
  /** Value at the end. */
  endValue: Money;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Money-weighted return as a fraction. */
  moneyWeightedReturn: Maybe<Scalars['Decimal']['output']>;
  /** Net external flows in the period. */
  netFlows: Money;
  /** Last day of the period. */
  periodEnd: Scalars['Date']['output'];
  /** First day of the period. */
  periodStart: Scalars['Date']['output'];
  /** The portfolio measured. */
  portfolio: Portfolio;
  /** Value at the start. */
  startValue: Money;
  /** Time-weighted return as a fraction. */
  timeWeightedReturn: Scalars['Decimal']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type PerformanceResultConnection = {
  __typename?: 'PerformanceResultConnection';
  edges: Array<PerformanceResultEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type PerformanceResultEdge = {
  __typename?: 'PerformanceResultEdge';
  cursor: Scalars['String']['output'];
  node: PerformanceResult;
};

/** A managed portfolio: positions across accounts, reported in one base currency. */
export type Portfolio = Node & {
  __typename?: 'Portfolio';
  /** Currency the portfolio reports in. */
  baseCurrency: Scalars['String']['output'];
  /** The portfolio’s cashflows. */
  cashflows: CashflowConnection;
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Portfolio name. */
  name: Scalars['String']['output'];
  /** The portfolio’s positions. */
  positions: PositionConnection;
  /** Where the portfolio sits in the reporting tree. */
  reportingEntity: Maybe<ReportingEntity>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A managed portfolio: positions across accounts, reported in one base currency. */
export type PortfolioCashflowsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  status: InputMaybe<CashflowStatus>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


/** A managed portfolio: positions across accounts, reported in one base currency. */
export type PortfolioPositionsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  industryId: InputMaybe<Scalars['ID']['input']>;
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  issuerId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type PortfolioConnection = {
  __typename?: 'PortfolioConnection';
  edges: Array<PortfolioEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type PortfolioEdge = {
  __typename?: 'PortfolioEdge';
  cursor: Scalars['String']['output'];
  node: Portfolio;
};

/** A holding of one instrument in one account and portfolio, as a unit quantity (equities, funds) or a par amount (bonds, loans). */
export type Position = Node & {
  __typename?: 'Position';
  /** The account holding it. */
  account: Account;
  /** The day the figures are as of. */
  asOf: Scalars['Date']['output'];
  /** The client this belongs to. */
  client: Client;
  /** Book cost. */
  cost: Maybe<Money>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of par, cost and market value. */
  currency: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The instrument held. */
  instrument: Instrument;
  /** Latest mark price. */
  markPrice: Maybe<Scalars['Decimal']['output']>;
  /** Market value at the mark price. */
  marketValue: Maybe<Money>;
  /** Par (face) amount; set for bonds and loans, null otherwise. */
  par: Maybe<Money>;
  /** The portfolio the position belongs to. */
  portfolio: Portfolio;
  /** Units held; set for unit-quantity holdings, null for par holdings. */
  quantity: Maybe<Scalars['Decimal']['output']>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type PositionConnection = {
  __typename?: 'PositionConnection';
  edges: Array<PositionEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type PositionEdge = {
  __typename?: 'PositionEdge';
  cursor: Scalars['String']['output'];
  node: Position;
};

export type Query = {
  __typename?: 'Query';
  /** An account-level holdings snapshot for one day: market value, cash and the lines behind them. Newest last; filters combine with AND. */
  accountHoldings: AccountHoldingConnection;
  /** A custody, cash or margin account held at a depository. Newest last; filters combine with AND. */
  accounts: AccountConnection;
  /** The first 100 API keys visible to the caller. */
  apiKeys: Array<ApiKey>;
  /** A movement of cash, expected or posted: coupons, principal, dividends, fees, interest, deposits, withdrawals, tax. Newest last; filters combine with AND. */
  cashflows: CashflowConnection;
  /** A client of the tenant (an individual, a family or an institution) that owns its wealth data. Newest last; filters combine with AND. */
  clients: ClientConnection;
  /** A custodian or bank holding a client’s accounts. Newest last; filters combine with AND. */
  depositories: DepositoryConnection;
  /** An industry classification (sector and industry) that issuers belong to. Newest last; filters combine with AND. */
  industries: IndustryConnection;
  /** How much of one instrument a depository holds for a client on one day. Newest last; filters combine with AND. */
  instrumentHoldings: InstrumentHoldingConnection;
  /** One day’s price of an instrument; one per instrument and day. Newest last; filters combine with AND. */
  instrumentPrices: InstrumentPriceConnection;
  /** A security or contract that can be held: bond, loan, equity, fund, ETF, cash or deposit. Newest last; filters combine with AND. */
  instruments: InstrumentConnection;
  /** An investment-policy limit on a portfolio: a minimum or maximum weight of an issuer, industry, instrument, currency or cash. Newest last; filters combine with AND. */
  investmentLimits: InvestmentLimitConnection;
  /** A company, government or fund that issues instruments. Newest last; filters combine with AND. */
  issuers: IssuerConnection;
  /** A person, company, trust, foundation or partnership of a client; ownerships link them into a graph. Newest last; filters combine with AND. */
  legalEntities: LegalEntityConnection;
  /** An edge of the ownership graph: one legal entity owns a share of another. Newest last; filters combine with AND. */
  legalEntityOwnerships: LegalEntityOwnershipConnection;
  /** A tax lot: a quantity of an instrument acquired on one day at one cost. Newest last; filters combine with AND. */
  lots: LotConnection;
  node: Maybe<Node>;
  nodes: Array<Maybe<Node>>;
  /** A portfolio’s return over a period, as calculated by Portico (never written by clients). Newest last; filters combine with AND. */
  performanceResults: PerformanceResultConnection;
  /** A managed portfolio: positions across accounts, reported in one base currency. Newest last; filters combine with AND. */
  portfolios: PortfolioConnection;
  /** A holding of one instrument in one account and portfolio, as a unit quantity (equities, funds) or a par amount (bonds, loans). Newest last; filters combine with AND. */
  positions: PositionConnection;
  /** A node of the reporting tree: how a client wants to view its wealth. Newest last; filters combine with AND. */
  reportingEntities: ReportingEntityConnection;
  /** A role a user holds for the whole client, or for one legal or reporting entity. Newest last; filters combine with AND. */
  roleAssignments: RoleAssignmentConnection;
  /** A ledger entry: a trade, a cash movement or an income booking. Newest last; filters combine with AND. */
  transactions: TransactionConnection;
  /** A person with access to a client’s data; what they may see is in their role assignments. Newest last; filters combine with AND. */
  users: UserConnection;
  /** The Portico release serving this request. */
  version: Scalars['String']['output'];
  viewer: Viewer;
};


export type QueryAccountHoldingsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryAccountsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  depositoryId: InputMaybe<Scalars['ID']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryCashflowsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  status: InputMaybe<CashflowStatus>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryClientsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  kind: InputMaybe<ClientKind>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryDepositoriesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryIndustriesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryInstrumentHoldingsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  depositoryId: InputMaybe<Scalars['ID']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryInstrumentPricesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryInstrumentsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  industryId: InputMaybe<Scalars['ID']['input']>;
  issuerId: InputMaybe<Scalars['ID']['input']>;
  kind: InputMaybe<InstrumentKind>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryInvestmentLimitsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryIssuersArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  industryId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryLegalEntitiesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryLegalEntityOwnershipsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  ownedId: InputMaybe<Scalars['ID']['input']>;
  ownerId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryLotsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  positionId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryPerformanceResultsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryPortfoliosArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  reportingEntityId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryPositionsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  industryId: InputMaybe<Scalars['ID']['input']>;
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  issuerId: InputMaybe<Scalars['ID']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryReportingEntitiesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  parentId: InputMaybe<Scalars['ID']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryRoleAssignmentsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
  userId: InputMaybe<Scalars['ID']['input']>;
};


export type QueryTransactionsArgs = {
  accountId: InputMaybe<Scalars['ID']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  fromDate: InputMaybe<Scalars['Date']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  toDate: InputMaybe<Scalars['Date']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryUsersArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

/** A node of the reporting tree: how a client wants to view its wealth. */
export type ReportingEntity = Node & {
  __typename?: 'ReportingEntity';
  /** Child nodes of the tree. */
  children: ReportingEntityConnection;
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The legal entity this node stands for, if any. */
  legalEntity: Maybe<LegalEntity>;
  /** Name shown in reports. */
  name: Scalars['String']['output'];
  /** The parent in the reporting tree; null at the root. */
  parent: Maybe<ReportingEntity>;
  /** Portfolios under this node. */
  portfolios: PortfolioConnection;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A node of the reporting tree: how a client wants to view its wealth. */
export type ReportingEntityChildrenArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};


/** A node of the reporting tree: how a client wants to view its wealth. */
export type ReportingEntityPortfoliosArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type ReportingEntityConnection = {
  __typename?: 'ReportingEntityConnection';
  edges: Array<ReportingEntityEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type ReportingEntityEdge = {
  __typename?: 'ReportingEntityEdge';
  cursor: Scalars['String']['output'];
  node: ReportingEntity;
};

/** A role a user holds for the whole client, or for one legal or reporting entity. */
export type RoleAssignment = Node & {
  __typename?: 'RoleAssignment';
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The legal entity the role is limited to. */
  legalEntity: Maybe<LegalEntity>;
  /** The reporting entity the role is limited to. */
  reportingEntity: Maybe<ReportingEntity>;
  /** The role. */
  role: RoleAssignmentRole;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** The user the role is given to. */
  user: User;
};

export type RoleAssignmentConnection = {
  __typename?: 'RoleAssignmentConnection';
  edges: Array<RoleAssignmentEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type RoleAssignmentEdge = {
  __typename?: 'RoleAssignmentEdge';
  cursor: Scalars['String']['output'];
  node: RoleAssignment;
};

/** The role. */
export type RoleAssignmentRole =
  | 'ADMIN'
  | 'ADVISOR'
  | 'OWNER'
  | 'VIEWER';

/** A ledger entry: a trade, a cash movement or an income booking. */
export type Transaction = Node & {
  __typename?: 'Transaction';
  /** The account the transaction is booked in. */
  account: Account;
  /** Signed cash amount: positive into the account, negative out. */
  amount: Money;
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Currency of the amount. */
  currency: Scalars['String']['output'];
  /** Free text. */
  description: Maybe<Scalars['String']['output']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The instrument traded or paying. */
  instrument: Maybe<Instrument>;
  /** What kind of transaction. */
  kind: TransactionKind;
  /** The portfolio it is attributed to. */
  portfolio: Maybe<Portfolio>;
  /** Price per unit. */
  price: Maybe<Scalars['Decimal']['output']>;
  /** Units or par traded. */
  quantity: Maybe<Scalars['Decimal']['output']>;
  /** Settlement date. */
  settleDate: Maybe<Scalars['Date']['output']>;
  /** Trade date. */
  tradeDate: Scalars['Date']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

export type TransactionConnection = {
  __typename?: 'TransactionConnection';
  edges: Array<TransactionEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type TransactionEdge = {
  __typename?: 'TransactionEdge';
  cursor: Scalars['String']['output'];
  node: Transaction;
};

/** What kind of transaction. */
export type TransactionKind =
  | 'BUY'
  | 'COUPON'
  | 'DEPOSIT'
  | 'DIVIDEND'
  | 'FEE'
  | 'INTEREST'
  | 'SELL'
  | 'TAX'
  | 'TRANSFER_IN'
  | 'TRANSFER_OUT'
  | 'WITHDRAWAL';

/** Changes to a account holding; omitted fields stay as they are, null clears a nullable one. */
export type UpdateAccountHoldingInput = {
  /** Cash balance. */
  cashBalance: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency of the values. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The day of the snapshot. */
  holdingDate: InputMaybe<Scalars['Date']['input']>;
  /** The snapshot’s lines, as delivered by the custodian. */
  lines: InputMaybe<Scalars['JSON']['input']>;
  /** Market value of the account’s holdings. */
  marketValue: InputMaybe<Scalars['Decimal']['input']>;
};

export type UpdateAccountHoldingResult = ConflictError | NotFoundError | UpdateAccountHoldingSuccess | ValidationError;

export type UpdateAccountHoldingSuccess = {
  __typename?: 'UpdateAccountHoldingSuccess';
  accountHolding: AccountHolding;
};

/** Changes to a account; omitted fields stay as they are, null clears a nullable one. */
export type UpdateAccountInput = {
  /** The depository’s account number. */
  accountNumber: InputMaybe<Scalars['String']['input']>;
  /** Closing date. */
  closedOn: InputMaybe<Scalars['Date']['input']>;
  /** Account currency. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** The depository (custodian) holding the account. (a global id) */
  depositoryId: InputMaybe<Scalars['ID']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What kind of account. */
  kind: InputMaybe<AccountKind>;
  /** The legal entity that owns the account. (a global id) */
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  /** Account name. */
  name: InputMaybe<Scalars['String']['input']>;
  /** Opening date. */
  openedOn: InputMaybe<Scalars['Date']['input']>;
};

export type UpdateAccountResult = ConflictError | NotFoundError | UpdateAccountSuccess | ValidationError;

export type UpdateAccountSuccess = {
  __typename?: 'UpdateAccountSuccess';
  account: Account;
};

/** Changes to a cashflow; omitted fields stay as they are, null clears a nullable one. */
export type UpdateCashflowInput = {
  /** Signed amount: positive into the account, negative out. */
  amount: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency of the amount. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The instrument it arises from. (a global id) */
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  /** What kind of cashflow. */
  kind: InputMaybe<CashflowKind>;
  /** The portfolio it is attributed to. (a global id) */
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  /** The position it arises from. (a global id) */
  positionId: InputMaybe<Scalars['ID']['input']>;
  /** Expected (projected) or posted (booked). */
  status: InputMaybe<CashflowStatus>;
  /** Value date. */
  valueDate: InputMaybe<Scalars['Date']['input']>;
};

export type UpdateCashflowResult = ConflictError | NotFoundError | UpdateCashflowSuccess | ValidationError;

export type UpdateCashflowSuccess = {
  __typename?: 'UpdateCashflowSuccess';
  cashflow: Cashflow;
};

/** Changes to a client; omitted fields stay as they are, null clears a nullable one. */
export type UpdateClientInput = {
  /** Currency the client reports in. */
  baseCurrency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What kind of client. */
  kind: InputMaybe<ClientKind>;
  /** Client name. */
  name: InputMaybe<Scalars['String']['input']>;
};

export type UpdateClientResult = ConflictError | NotFoundError | UpdateClientSuccess | ValidationError;

export type UpdateClientSuccess = {
  __typename?: 'UpdateClientSuccess';
  client: Client;
};

/** Changes to a depository; omitted fields stay as they are, null clears a nullable one. */
export type UpdateDepositoryInput = {
  /** BIC (ISO 9362), 8 or 11 characters. */
  bic: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Name of the custodian. */
  name: InputMaybe<Scalars['String']['input']>;
};

export type UpdateDepositoryResult = ConflictError | NotFoundError | UpdateDepositorySuccess | ValidationError;

export type UpdateDepositorySuccess = {
  __typename?: 'UpdateDepositorySuccess';
  depository: Depository;
};

/** Changes to a industry; omitted fields stay as they are, null clears a nullable one. */
export type UpdateIndustryInput = {
  /** Short code, unique within the tenant. */
  code: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Industry name. */
  name: InputMaybe<Scalars['String']['input']>;
  /** The sector the industry belongs to. */
  sector: InputMaybe<Scalars['String']['input']>;
};

export type UpdateIndustryResult = ConflictError | NotFoundError | UpdateIndustrySuccess | ValidationError;

export type UpdateIndustrySuccess = {
  __typename?: 'UpdateIndustrySuccess';
  industry: Industry;
};

/** Changes to a instrument holding; omitted fields stay as they are, null clears a nullable one. */
export type UpdateInstrumentHoldingInput = {
  /** Currency of the market value. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The day of the holding. */
  holdingDate: InputMaybe<Scalars['Date']['input']>;
  /** Market value. */
  marketValue: InputMaybe<Scalars['Decimal']['input']>;
  /** Units or par held. */
  quantity: InputMaybe<Scalars['Decimal']['input']>;
};

export type UpdateInstrumentHoldingResult = ConflictError | NotFoundError | UpdateInstrumentHoldingSuccess | ValidationError;

export type UpdateInstrumentHoldingSuccess = {
  __typename?: 'UpdateInstrumentHoldingSuccess';
  instrumentHolding: InstrumentHolding;
};

/** Changes to a instrument; omitted fields stay as they are, null clears a nullable one. */
export type UpdateInstrumentInput = {
  /** Coupons per year. */
  couponFrequency: InputMaybe<Scalars['Int']['input']>;
  /** Annual coupon rate as a fraction (0.045 = 4.5 %). */
  couponRate: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency the instrument is denominated in. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** ISIN (ISO 6166), unique within the tenant. */
  isin: InputMaybe<Scalars['String']['input']>;
  /** The issuer. (a global id) */
  issuerId: InputMaybe<Scalars['ID']['input']>;
  /** What kind of instrument. */
  kind: InputMaybe<InstrumentKind>;
  /** Maturity date, for bonds and loans. */
  maturityDate: InputMaybe<Scalars['Date']['input']>;
  /** Instrument name. */
  name: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a instrument price; omitted fields stay as they are, null clears a nullable one. */
export type UpdateInstrumentPriceInput = {
  /** Currency of the price. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The price. */
  price: InputMaybe<Scalars['Decimal']['input']>;
  /** The day the price is for. */
  priceDate: InputMaybe<Scalars['Date']['input']>;
};

export type UpdateInstrumentPriceResult = ConflictError | NotFoundError | UpdateInstrumentPriceSuccess | ValidationError;

export type UpdateInstrumentPriceSuccess = {
  __typename?: 'UpdateInstrumentPriceSuccess';
  instrumentPrice: InstrumentPrice;
};

export type UpdateInstrumentResult = ConflictError | NotFoundError | UpdateInstrumentSuccess | ValidationError;

export type UpdateInstrumentSuccess = {
  __typename?: 'UpdateInstrumentSuccess';
  instrument: Instrument;
};

/** Changes to a investment limit; omitted fields stay as they are, null clears a nullable one. */
export type UpdateInvestmentLimitInput = {
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What the limit measures. */
  kind: InputMaybe<InvestmentLimitKind>;
  /** Highest allowed weight, in percent. */
  maxPercent: InputMaybe<Scalars['Decimal']['input']>;
  /** Lowest allowed weight, in percent. */
  minPercent: InputMaybe<Scalars['Decimal']['input']>;
  /** Name of the limit. */
  name: InputMaybe<Scalars['String']['input']>;
  /** What it applies to: an issuer, industry or instrument id, or a currency code. */
  target: InputMaybe<Scalars['String']['input']>;
};

export type UpdateInvestmentLimitResult = ConflictError | NotFoundError | UpdateInvestmentLimitSuccess | ValidationError;

export type UpdateInvestmentLimitSuccess = {
  __typename?: 'UpdateInvestmentLimitSuccess';
  investmentLimit: InvestmentLimit;
};

/** Changes to a issuer; omitted fields stay as they are, null clears a nullable one. */
export type UpdateIssuerInput = {
  /** Country of incorporation (ISO 3166-1 alpha-2). */
  country: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The issuer’s industry. (a global id) */
  industryId: InputMaybe<Scalars['ID']['input']>;
  /** Legal Entity Identifier (ISO 17442, 20 characters). */
  lei: InputMaybe<Scalars['String']['input']>;
  /** Legal name. */
  name: InputMaybe<Scalars['String']['input']>;
};

export type UpdateIssuerResult = ConflictError | NotFoundError | UpdateIssuerSuccess | ValidationError;

export type UpdateIssuerSuccess = {
  __typename?: 'UpdateIssuerSuccess';
  issuer: Issuer;
};

/** Changes to a legal entity; omitted fields stay as they are, null clears a nullable one. */
export type UpdateLegalEntityInput = {
  /** Country of residence or incorporation. */
  country: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** What kind of legal entity. */
  kind: InputMaybe<LegalEntityKind>;
  /** Legal name. */
  name: InputMaybe<Scalars['String']['input']>;
  /** Registration number. */
  registrationNumber: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a legal entity ownership; omitted fields stay as they are, null clears a nullable one. */
export type UpdateLegalEntityOwnershipInput = {
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Share owned, in percent (0 exclusive to 100). */
  sharePercent: InputMaybe<Scalars['Decimal']['input']>;
};

export type UpdateLegalEntityOwnershipResult = ConflictError | NotFoundError | UpdateLegalEntityOwnershipSuccess | ValidationError;

export type UpdateLegalEntityOwnershipSuccess = {
  __typename?: 'UpdateLegalEntityOwnershipSuccess';
  legalEntityOwnership: LegalEntityOwnership;
};

export type UpdateLegalEntityResult = ConflictError | NotFoundError | UpdateLegalEntitySuccess | ValidationError;

export type UpdateLegalEntitySuccess = {
  __typename?: 'UpdateLegalEntitySuccess';
  legalEntity: LegalEntity;
};

/** Changes to a lot; omitted fields stay as they are, null clears a nullable one. */
export type UpdateLotInput = {
  /** Acquisition date. */
  acquiredOn: InputMaybe<Scalars['Date']['input']>;
  /** When the lot was fully sold. */
  closedOn: InputMaybe<Scalars['Date']['input']>;
  /** Total cost. */
  cost: InputMaybe<Scalars['Decimal']['input']>;
  /** Cost per unit. */
  costPrice: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency of the cost. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The position the lot is part of. (a global id) */
  positionId: InputMaybe<Scalars['ID']['input']>;
  /** Quantity acquired (positive). */
  quantity: InputMaybe<Scalars['Decimal']['input']>;
};

export type UpdateLotResult = ConflictError | NotFoundError | UpdateLotSuccess | ValidationError;

export type UpdateLotSuccess = {
  __typename?: 'UpdateLotSuccess';
  lot: Lot;
};

/** Changes to a portfolio; omitted fields stay as they are, null clears a nullable one. */
export type UpdatePortfolioInput = {
  /** Currency the portfolio reports in. */
  baseCurrency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Portfolio name. */
  name: InputMaybe<Scalars['String']['input']>;
  /** Where the portfolio sits in the reporting tree. (a global id) */
  reportingEntityId: InputMaybe<Scalars['ID']['input']>;
};

export type UpdatePortfolioResult = ConflictError | NotFoundError | UpdatePortfolioSuccess | ValidationError;

export type UpdatePortfolioSuccess = {
  __typename?: 'UpdatePortfolioSuccess';
  portfolio: Portfolio;
};

/** Changes to a position; omitted fields stay as they are, null clears a nullable one. */
export type UpdatePositionInput = {
  /** The day the figures are as of. */
  asOf: InputMaybe<Scalars['Date']['input']>;
  /** Book cost. */
  cost: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency of par, cost and market value. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Latest mark price. */
  markPrice: InputMaybe<Scalars['Decimal']['input']>;
  /** Market value at the mark price. */
  marketValue: InputMaybe<Scalars['Decimal']['input']>;
  /** Par (face) amount; set for bonds and loans, null otherwise. */
  par: InputMaybe<Scalars['Decimal']['input']>;
  /** Units held; set for unit-quantity holdings, null for par holdings. */
  quantity: InputMaybe<Scalars['Decimal']['input']>;
};

export type UpdatePositionResult = ConflictError | NotFoundError | UpdatePositionSuccess | ValidationError;

export type UpdatePositionSuccess = {
  __typename?: 'UpdatePositionSuccess';
  position: Position;
};

/** Changes to a reporting entity; omitted fields stay as they are, null clears a nullable one. */
export type UpdateReportingEntityInput = {
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The legal entity this node stands for, if any. (a global id) */
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  /** Name shown in reports. */
  name: InputMaybe<Scalars['String']['input']>;
  /** The parent in the reporting tree; null at the root. (a global id) */
  parentId: InputMaybe<Scalars['ID']['input']>;
};

export type UpdateReportingEntityResult = ConflictError | NotFoundError | UpdateReportingEntitySuccess | ValidationError;

export type UpdateReportingEntitySuccess = {
  __typename?: 'UpdateReportingEntitySuccess';
  reportingEntity: ReportingEntity;
};

/** Changes to a role assignment; omitted fields stay as they are, null clears a nullable one. */
export type UpdateRoleAssignmentInput = {
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The legal entity the role is limited to. (a global id) */
  legalEntityId: InputMaybe<Scalars['ID']['input']>;
  /** The reporting entity the role is limited to. (a global id) */
  reportingEntityId: InputMaybe<Scalars['ID']['input']>;
  /** The role. */
  role: InputMaybe<RoleAssignmentRole>;
};

export type UpdateRoleAssignmentResult = ConflictError | NotFoundError | UpdateRoleAssignmentSuccess | ValidationError;

export type UpdateRoleAssignmentSuccess = {
  __typename?: 'UpdateRoleAssignmentSuccess';
  roleAssignment: RoleAssignment;
};

/** Changes to a transaction; omitted fields stay as they are, null clears a nullable one. */
export type UpdateTransactionInput = {
  /** Signed cash amount: positive into the account, negative out. */
  amount: InputMaybe<Scalars['Decimal']['input']>;
  /** Currency of the amount. */
  currency: InputMaybe<Scalars['String']['input']>;
  /** Free text. */
  description: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** The instrument traded or paying. (a global id) */
  instrumentId: InputMaybe<Scalars['ID']['input']>;
  /** What kind of transaction. */
  kind: InputMaybe<TransactionKind>;
  /** The portfolio it is attributed to. (a global id) */
  portfolioId: InputMaybe<Scalars['ID']['input']>;
  /** Price per unit. */
  price: InputMaybe<Scalars['Decimal']['input']>;
  /** Units or par traded. */
  quantity: InputMaybe<Scalars['Decimal']['input']>;
  /** Settlement date. */
  settleDate: InputMaybe<Scalars['Date']['input']>;
  /** Trade date. */
  tradeDate: InputMaybe<Scalars['Date']['input']>;
};

export type UpdateTransactionResult = ConflictError | NotFoundError | UpdateTransactionSuccess | ValidationError;

export type UpdateTransactionSuccess = {
  __typename?: 'UpdateTransactionSuccess';
  transaction: Transaction;
};

/** Changes to a user; omitted fields stay as they are, null clears a nullable one. */
export type UpdateUserInput = {
  /** Email address, unique within the client. */
  email: InputMaybe<Scalars['String']['input']>;
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: InputMaybe<Scalars['String']['input']>;
  /** Full name. */
  name: InputMaybe<Scalars['String']['input']>;
};

export type UpdateUserResult = ConflictError | NotFoundError | UpdateUserSuccess | ValidationError;

export type UpdateUserSuccess = {
  __typename?: 'UpdateUserSuccess';
  user: User;
};

/** A person with access to a client’s data; what they may see is in their role assignments. */
export type User = Node & {
  __typename?: 'User';
  /** The client this belongs to. */
  client: Client;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Email address, unique within the client. */
  email: Scalars['String']['output'];
  /** Your own reference for this record (letters, digits, spaces, dashes, underscores). */
  externalReference: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Full name. */
  name: Scalars['String']['output'];
  /** The user’s roles. */
  roleAssignments: RoleAssignmentConnection;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A person with access to a client’s data; what they may see is in their role assignments. */
export type UserRoleAssignmentsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  before: InputMaybe<Scalars['String']['input']>;
  externalReference: InputMaybe<Scalars['String']['input']>;
  first: InputMaybe<Scalars['Int']['input']>;
  last: InputMaybe<Scalars['Int']['input']>;
  updatedSince: InputMaybe<Scalars['DateTime']['input']>;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
  /** How many rows match, all pages together (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

/** The input was refused; each issue names its field. */
export type ValidationError = Error & {
  __typename?: 'ValidationError';
  /** The first refused field. */
  field: Scalars['String']['output'];
  issues: Array<FieldIssue>;
  message: Scalars['String']['output'];
};

/** The credential making this request, and what it may do. */
export type Viewer = {
  __typename?: 'Viewer';
  /** The OAuth client_id or the API key public id. */
  credentialId: Scalars['String']['output'];
  credentialKind: CredentialKind;
  scopes: Array<Scalars['String']['output']>;
  tenantId: Scalars['String']['output'];
  whiteLabelId: Maybe<Scalars['String']['output']>;
};

export type VersionQueryVariables = Exact<{ [key: string]: never; }>;


export type VersionQuery = { version: string };


export const VersionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Version"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]} as unknown as DocumentNode<VersionQuery, VersionQueryVariables>;