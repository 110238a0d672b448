import type { SystemsData } from './systems-page';
import { when } from '../field-state';

type Matrix = NonNullable<SystemsData['fieldMatrix']>;

/** Conflict rates past which a field is amber, then red. */
const conflictAlarm = { warn: 0.05, bad: 0.2 };

/** Systems x profile fields: who provides what, how often they disagree, whose value wins. */
export function FieldMatrix({ matrix }: { matrix: Matrix }) {
  const systems = matrix.fields[0]?.systems.map((entry) => entry.system) ?? [];
  const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;
  return (
    <>
      <p className="muted">
        From the scan of {matrix.customersScanned} customers, {when(matrix.scannedAt)}
        {matrix.customersSkipped > 0 && <> ({matrix.customersSkipped} left out: a source failed while they were read)</>}. Each cell: customers for whom the system holds a
        value, and how often its value wins.
      </p>
      <table className="field-matrix" data-testid="field-matrix">
        <thead>
          <tr><th scope="col">Field</th>{systems.map((system) => <th scope="col" key={system}>{system}</th>)}<th scope="col">Systems disagree</th></tr>
        </thead>
        <tbody>
          {matrix.fields.map((field) => {
            const tone = field.conflictRate >= conflictAlarm.bad ? 'bad' : field.conflictRate >= conflictAlarm.warn ? 'warn' : undefined;
            return (
              <tr key={field.field}>
                <th scope="row">{field.field}</th>
                {field.systems.map((entry) => (
                  <td key={entry.system} className={entry.provides ? undefined : 'muted'}>
                    {entry.provides ? (
                      <>
                        holds {entry.held}
                        <br />
                        wins {entry.wins}
                      </>
                    ) : (
                      'not provided'
                    )}
                  </td>
                ))}
                <td className={tone} data-testid={`conflict-rate-${field.field}`}>
                  {percent(field.conflictRate)} <span className="muted">({field.conflicts})</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
