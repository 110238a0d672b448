import { useState, type FormEvent } from 'react';
import type { ResultOf } from '../shared/graphql';
import { useConsole } from './console-context';
import { FindQuery, SearchQuery } from './operations';

type Edge = NonNullable<ResultOf<typeof SearchQuery>['searchCustomers']>['edges'][number];

const matchWords: Record<string, string> = {
  EMAIL: 'email',
  PHONE: 'phone',
  EMAIL_LOCAL_PART: 'email name',
  SURNAME_AND_INITIAL: 'surname and initial',
  NAME: 'name',
};

/**
 * Finds customers by name, email or phone (one `searchCustomers` call), or by a source
 * record written `system:recordId` (one `customer` call), and says why each matched.
 */
export function SearchPage() {
  const { client, navigate } = useConsole();
  const [query, setQuery] = useState('');
  const [edges, setEdges] = useState<Edge[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (after: string | null) => {
    setBusy(true);
    setError(null);
    const record = /^([a-z][\w-]*):(\S+)$/i.exec(query.trim());
    if (record && !query.includes('@')) {
      const { data, errors } = await client.query(FindQuery, { by: { source: { system: record[1]!, recordId: record[2]! } } });
      setBusy(false);
      if (data?.customer) navigate(`/console/?customer=${encodeURIComponent(data.customer.id)}`);
      else setError(errors[0]?.message ?? 'No customer holds that record.');
      return;
    }
    const { data, errors } = await client.query(SearchQuery, { query: query.trim(), after });
    setBusy(false);
    if (!data?.searchCustomers) {
      setError(errors[0]?.message ?? 'The search failed.');
      return;
    }
    setEdges(after ? [...(edges ?? []), ...data.searchCustomers.edges] : [...data.searchCustomers.edges]);
    setNext(data.searchCustomers.pageInfo.hasNextPage ? data.searchCustomers.pageInfo.endCursor ?? null : null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (query.trim()) void search(null);
  };

  return (
    <main className="search-page">
      <h1>Find a customer</h1>
      <form onSubmit={submit} role="search">
        <label htmlFor="search-query">Name, email, phone or source record (system:id)</label>
        <div className="row">
          <input id="search-query" value={query} onChange={(event) => setQuery(event.target.value)} autoFocus size={40} />
          <button disabled={busy}>Search</button>
        </div>
      </form>
      {error && <p className="error-box" role="alert">{error}</p>}
      {edges && edges.length === 0 && <p>No customer matches.</p>}
      {edges && edges.length > 0 && (
        <table className="results">
          <thead>
            <tr><th>Name</th><th>Emails</th><th>Phones</th><th>Records</th><th>Matched on</th></tr>
          </thead>
          <tbody>
            {edges.map(({ node, matchedOn, cursor }) => (
              <tr key={cursor}>
                <td>
                  <a href={`/console/?customer=${encodeURIComponent(node.id)}`} onClick={(event) => { event.preventDefault(); navigate(`/console/?customer=${encodeURIComponent(node.id)}`); }}>
                    {node.name?.full ?? node.id}
                  </a>
                </td>
                <td>{node.emails?.join(', ') ?? <span className="muted">withheld</span>}</td>
                <td>{node.phones?.join(', ') ?? <span className="muted">withheld</span>}</td>
                <td>{node.sourceRecords?.map((record) => `${record.system}:${record.recordId}`).join(', ')}</td>
                <td>{matchedOn.map((match) => <span key={match} className="badge info">{matchWords[match] ?? match}</span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button className="secondary" onClick={() => void search(next)} disabled={busy}>More</button>}
    </main>
  );
}
