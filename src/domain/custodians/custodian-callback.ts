/** Where custodians send the browser back to Portico, one path per custodian. */
export const custodianCallbackPath = '/custodian-callback';

export const custodianCallbackUrl = (publicUrl: string, custodian: string) =>
  `${publicUrl}${custodianCallbackPath}/${custodian}`;
