import type { SalesforceOpportunity, SalesforceOpportunityContactRole } from '../population/vendor-records';
import { UnknownFieldError } from './contact-fields';
import { checkLiteral, evaluateCondition, SoqlFilterError, type Comparable, type FieldType } from './soql-condition';
import type { SoqlCondition } from './soql-parser';

/**
 * The one Contact child relationship the simulator answers in a subquery,
 * `OpportunityContactRoles` (the roles the contact plays on opportunities), with the
 * role's own fields and its opportunity's through `Opportunity.<field>`:
 * `SELECT Id, (SELECT Id FROM OpportunityContactRoles WHERE Opportunity.IsClosed = false) FROM Contact`.
 * A contact with no matching rows answers null for the relationship, as Salesforce does.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
 */

/** The relationship's name as Salesforce spells it. */
export const OPPORTUNITY_CONTACT_ROLES = 'OpportunityContactRoles';

/** A role with its opportunity, as a subquery row is read. */
export interface RoleRow {
  role: SalesforceOpportunityContactRole;
  opportunity: SalesforceOpportunity | undefined;
}

const FIELD_TYPES: Record<string, FieldType> = {
  Id: 'id',
  ContactId: 'id',
  OpportunityId: 'id',
  IsPrimary: 'boolean',
  Role: 'string',
  'Opportunity.Name': 'string',
  'Opportunity.StageName': 'string',
  'Opportunity.IsClosed': 'boolean',
  'Opportunity.CloseDate': 'date',
};

const BY_LOWER = new Map(Object.keys(FIELD_TYPES).map((name) => [name.toLowerCase(), name]));

/** The canonical name of an OpportunityContactRole field; throws INVALID_FIELD for an unknown one. */
export function resolveRoleField(name: string): string {
  const field = BY_LOWER.get(name.trim().toLowerCase());
  if (!field) throw new UnknownFieldError(name.trim(), 'OpportunityContactRole');
  return field;
}

/** Checks every field and literal of a subquery's condition and returns it with canonical field names. */
export function resolveRoleCondition(condition: SoqlCondition, toCaseSafe: (id: string) => string | null): SoqlCondition {
  if (condition.kind === 'not') return { kind: 'not', operand: resolveRoleCondition(condition.operand, toCaseSafe) };
  if (condition.kind !== 'compare') {
    return { kind: condition.kind, operands: condition.operands.map((operand) => resolveRoleCondition(operand, toCaseSafe)) };
  }
  const field = resolveRoleField(condition.field);
  const type = FIELD_TYPES[field]!;
  if (condition.operator === 'LIKE' && type !== 'string') {
    throw new SoqlFilterError(`invalid operator on field '${field}': LIKE works on text fields only`);
  }
  return { ...condition, field, values: condition.values.map((value) => checkLiteral(field, type, value, toCaseSafe)) };
}

/** Whether a row satisfies a resolved condition. */
export function matchesRoleCondition(row: RoleRow, condition: SoqlCondition): boolean {
  return evaluateCondition(condition, (field) => comparable(readRoleField(row, field), FIELD_TYPES[field]!));
}

/** A row as the REST API returns it inside the parent record. */
export function projectRole(row: RoleRow, fields: readonly string[], version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects`;
  const out: Record<string, unknown> = { attributes: { type: 'OpportunityContactRole', url: `${base}/OpportunityContactRole/${row.role.Id}` } };
  for (const field of fields) {
    if (field.startsWith('Opportunity.')) {
      const parent = (out.Opportunity ??= row.opportunity
        ? { attributes: { type: 'Opportunity', url: `${base}/Opportunity/${row.opportunity.Id}` } }
        : null) as Record<string, unknown> | null;
      if (parent) parent[field.slice('Opportunity.'.length)] = readRoleField(row, field);
    } else {
      out[field] = readRoleField(row, field);
    }
  }
  return out;
}

function readRoleField(row: RoleRow, field: string): string | number | boolean | null {
  if (field.startsWith('Opportunity.')) {
    const value = row.opportunity?.[field.slice('Opportunity.'.length) as keyof SalesforceOpportunity];
    return value ?? null;
  }
  return (row.role[field as keyof SalesforceOpportunityContactRole] as string | boolean | null | undefined) ?? null;
}

function comparable(value: string | number | boolean | null, type: FieldType): Comparable {
  if (value === null || value === '') return null;
  if (type === 'string' || type === 'id') return String(value).toLowerCase();
  return value;
}
