/** A base URL fit to show: no user info, no query, no fragment (a credential can hide in any of them). */
export function publicBaseUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.search = '';
  copy.hash = '';
  return copy.href.replace(/\/$/, '');
}
