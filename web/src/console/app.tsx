import { useCallback, useEffect, useMemo, useState } from 'react';
import { GatewayClient } from '../shared/gateway-client';
import { ConsoleContextValue, type ConsoleContext } from './console-context';
import { ViewerQuery } from './operations';
import { currentSession, signIn, signOut, type Session } from './sign-in';
import { SearchPage } from './search-page';
import { CustomerPage } from './customer/customer-page';
import { SystemsPage } from './systems/systems-page';

const PURPOSE_KEY = 'console.purpose';

/** Why the person reads personal data (`x-purpose`), as they typed it; stewards and compliance officers must give one. */
function purposeHeader(): Record<string, string> {
  const purpose = sessionStorage.getItem(PURPOSE_KEY);
  return purpose ? { 'x-purpose': purpose } : {};
}

/** The console: sign-in, then the customer search and 360 view, or the systems map. */
export function App({ signInError }: { signInError: string | null }) {
  const [session, setSession] = useState<Session | null>(currentSession);
  const [location, setLocation] = useState(() => window.location.pathname + window.location.search);
  const [purpose, setPurpose] = useState(() => sessionStorage.getItem(PURPOSE_KEY) ?? '');
  const [viewer, setViewer] = useState<{ roles: string[]; channels: string[]; purposes: string[] } | null>(null);
  const [error, setError] = useState<string | null>(signInError);

  const client = useMemo(
    () => new GatewayClient(() => currentSession()?.accessToken ?? null, purposeHeader),
    [],
  );
  const navigate = useCallback((to: string) => {
    history.pushState(null, '', to);
    setLocation(to);
  }, []);
  useEffect(() => {
    const onPop = () => setLocation(window.location.pathname + window.location.search);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    if (!session) return;
    void client.query(ViewerQuery, {}).then(({ data, errors }) => {
      if (data) setViewer({ roles: [...data.viewer.roles], channels: [...data.consentVocabulary.channels], purposes: [...data.consentVocabulary.purposes] });
      else setError(errors[0]?.message ?? 'The gateway did not answer.');
    });
  }, [client, session]);

  if (!session) {
    return (
      <main className="sign-in">
        <h1>Customer console</h1>
        <p>Sign in with your company account to find customers and see their whole profile.</p>
        {error && <p className="error-box" role="alert">{error}</p>}
        <button onClick={() => void signIn(location).then(() => setError('Sign-in is not configured on this gateway: set OIDC_ISSUER and OIDC_CONSOLE_CLIENT_ID.'))}>Sign in</button>
      </main>
    );
  }
  if (!viewer) return <main className="loading">{error ? <p className="error-box" role="alert">{error}</p> : 'Loading…'}</main>;

  const context: ConsoleContext = { client, roles: viewer.roles, channels: viewer.channels, purposes: viewer.purposes, navigate };
  const url = new URL(location, window.location.origin);
  const customerId = url.searchParams.get('customer');
  const page = url.pathname === '/console/systems' ? <SystemsPage /> : customerId ? <CustomerPage key={customerId} customerId={customerId} /> : <SearchPage />;
  return (
    <ConsoleContextValue.Provider value={context}>
      <header className="top">
        <nav aria-label="Console">
          <a href="/console/" onClick={(event) => { event.preventDefault(); navigate('/console/'); }} aria-current={url.pathname !== '/console/systems' ? 'page' : undefined}>Customers</a>
          <a href="/console/systems" onClick={(event) => { event.preventDefault(); navigate('/console/systems'); }} aria-current={url.pathname === '/console/systems' ? 'page' : undefined}>Systems</a>
        </nav>
        <label className="purpose">
          Reason for access
          <input
            value={purpose}
            placeholder="e.g. case 4711"
            onChange={(event) => {
              setPurpose(event.target.value);
              if (event.target.value) sessionStorage.setItem(PURPOSE_KEY, event.target.value);
              else sessionStorage.removeItem(PURPOSE_KEY);
            }}
          />
        </label>
        <span className="who" data-testid="signed-in-as">
          {session.name} <span className="muted">({viewer.roles.join(', ')})</span>
        </span>
        <button className="secondary" onClick={() => { signOut(); setSession(null); }}>Sign out</button>
      </header>
      {page}
    </ConsoleContextValue.Provider>
  );
}
