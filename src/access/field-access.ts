import { getNullableType, isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { AccessPolicy, CustomerIdsOf } from './policy';
import { personalFields } from './personal-fields';
import type { Role } from './roles';

const noRoles: ReadonlySet<Role> = new Set();

/**
 * An {@link AccessPolicy} compiled against one schema: per field (`Type.field`) the set
 * of roles that may use it, admin included wherever there is a rule, and the policy's
 * `@personal` rule applied (a role in `neverPersonal` never gets a personal field, even
 * if a rule names it; {@link problems} reports such a rule). Deny by default: a field
 * without a rule has no role.
 */
export class FieldAccess {
  private readonly rolesByField = new Map<string, ReadonlySet<Role>>();
  /** The schema's `@personal` fields. */
  readonly personal: ReadonlySet<string>;

  constructor(
    readonly policy: AccessPolicy,
    private readonly schema: GraphQLSchema,
  ) {
    this.personal = personalFields(schema);
    for (const [type, fields] of Object.entries(policy.fields)) {
      for (const [field, granted] of Object.entries(fields)) {
        const coordinate = `${type}.${field}`;
        const withoutPersonal = this.personal.has(coordinate) ? granted.filter((role) => !policy.neverPersonal.includes(role)) : granted;
        this.rolesByField.set(coordinate, new Set<Role>([...withoutPersonal, 'admin']));
      }
    }
  }

  /** The roles that may use `Type.field` (none without a rule). */
  rolesFor(coordinate: string): ReadonlySet<Role> {
    return this.rolesByField.get(coordinate) ?? noRoles;
  }

  /** Whether a principal holding `roles` may use `Type.field`. */
  allows(roles: readonly Role[], coordinate: string): boolean {
    const allowed = this.rolesFor(coordinate);
    return roles.some((role) => allowed.has(role));
  }

  /** For a root field a customer may use, the customer ids its arguments name (undefined: none declared). */
  ownCustomerArguments(coordinate: string): CustomerIdsOf | undefined {
    return this.policy.ownCustomerArguments[coordinate];
  }

  /**
   * What is wrong with the policy for this schema, as sentences (empty when nothing):
   * a field without a rule or a rule without a field, a personal field granted to a role
   * that never sees personal data, a root field a customer may use without the customer
   * ids of its arguments (or the reverse), an unknown restricted input, and a field
   * withheld from a role that reads its type but declared non-null (it could not answer
   * null with its FORBIDDEN error).
   */
  problems(): string[] {
    const problems: string[] = [];
    const types = Object.values(this.schema.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'));
    const schemaFields = new Set(types.flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`)));
    for (const coordinate of schemaFields) if (!this.rolesByField.has(coordinate)) problems.push(`${coordinate} has no rule in the policy (so nobody may use it).`);
    for (const coordinate of this.rolesByField.keys()) if (!schemaFields.has(coordinate)) problems.push(`The policy has a rule for ${coordinate}, which the schema lacks.`);
    for (const [type, fields] of Object.entries(this.policy.fields)) {
      for (const [field, granted] of Object.entries(fields)) {
        const banned = granted.filter((role) => this.personal.has(`${type}.${field}`) && this.policy.neverPersonal.includes(role));
        if (banned.length > 0) problems.push(`${type}.${field} is @personal, yet the policy grants it to ${banned.join(', ')}.`);
      }
    }
    const roots = [this.schema.getQueryType(), this.schema.getMutationType(), this.schema.getSubscriptionType()].filter((type) => type != null);
    for (const root of roots) {
      for (const field of Object.keys(root.getFields())) {
        const coordinate = `${root.name}.${field}`;
        const forCustomers = this.rolesFor(coordinate).has('customer');
        if (forCustomers && !this.ownCustomerArguments(coordinate)) problems.push(`${coordinate} is open to customers but names no customer-id arguments to check.`);
        if (!forCustomers && this.ownCustomerArguments(coordinate)) problems.push(`${coordinate} names customer-id arguments but is not open to customers.`);
      }
    }
    for (const coordinate of Object.keys(this.policy.ownCustomerArguments)) {
      if (!schemaFields.has(coordinate)) problems.push(`The policy checks the customer ids of ${coordinate}, which the schema lacks.`);
    }
    for (const coordinate of Object.keys(this.policy.restrictedInputs)) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = this.schema.getType(typeName);
      if (!type || !('getFields' in type) || isObjectType(type) || !type.getFields()[fieldName]) problems.push(`The policy restricts ${coordinate}, which is no input field of the schema.`);
    }
    for (const type of types) {
      const readers = new Set(Object.keys(type.getFields()).flatMap((field) => [...this.rolesFor(`${type.name}.${field}`)]));
      for (const [name, field] of Object.entries(type.getFields())) {
        const withheldFrom = [...readers].filter((role) => !this.rolesFor(`${type.name}.${name}`).has(role));
        if (withheldFrom.length > 0 && isNonNullType(field.type)) {
          problems.push(`${type.name}.${name} is withheld from ${withheldFrom.join(', ')}, which read ${type.name}: declare it nullable (${String(getNullableType(field.type))}).`);
        }
      }
    }
    return problems;
  }
}
