import { FieldAccess } from '../../src/access/field-access';
import { personalFields } from '../../src/access/personal-fields';
import { accessPolicy, type AccessPolicy } from '../../src/access/policy';
import { roles } from '../../src/access/roles';
import { loadUnguardedSchema } from '../../src/server/load-schema';

describe('the access policy against the schema', () => {
  const schema = loadUnguardedSchema();
  const access = new FieldAccess(accessPolicy, schema);

  it('has a rule for every field and root field of the schema, and none for a field the schema lacks', () => {
    expect(access.problems()).toEqual([]);
  });

  it('reads personal data from the schema: the @personal fields', () => {
    const personal = personalFields(schema);
    for (const field of ['Customer.name', 'Customer.emails', 'Customer.phones', 'Customer.addresses', 'Customer.birthDate', 'CustomerName.full', 'CustomerAddress.line1']) {
      expect(personal).toContain(field);
    }
    for (const field of ['Consent.contactPoint', 'ContactEligibility.excludedContactPoints', 'UnlinkedConsent.contactPoint', 'CustomerEdge.matchedOn', 'Evidence.ip']) {
      expect(personal).toContain(field);
    }
    expect(personal).not.toContain('Customer.id');
    expect(personal).not.toContain('Customer.consents');
  });

  it('never gives the offer engine a personal field, and gives admins every field', () => {
    const personal = [...personalFields(schema)];
    expect(personal.filter((field) => access.allows(['offer-engine'], field))).toEqual([]);
    expect(personal.filter((field) => !access.allows(['admin'], field))).toEqual([]);
    expect(access.allows(['offer-engine'], 'Query.contactEligibility')).toBe(true);
    expect(access.allows(['offer-engine'], 'Customer.preferences')).toBe(true);
    expect(roles.filter((role) => access.allows([role], 'System.baseUrl'))).toEqual(['admin']);
  });

  it('reports a field without a rule, a rule without a field, a personal grant to the offer engine and a withheld non-null field', () => {
    const { systems: _systems, ...query } = accessPolicy.fields.Query!;
    const policy: AccessPolicy = {
      ...accessPolicy,
      fields: {
        ...accessPolicy.fields,
        Query: { ...query, everything: ['support-agent'] },
        Customer: { ...accessPolicy.fields.Customer, emails: ['support-agent', 'offer-engine'] },
        ConsentVocabulary: { ...accessPolicy.fields.ConsentVocabulary, channels: ['support-agent'] },
      },
    };
    const problems = new FieldAccess(policy, schema).problems();
    expect(problems).toEqual(
      expect.arrayContaining([
        'Query.systems has no rule in the policy (so nobody may use it).',
        'The policy has a rule for Query.everything, which the schema lacks.',
        'Customer.emails is @personal, yet the policy grants it to offer-engine.',
        expect.stringMatching(/^ConsentVocabulary\.channels is withheld from .*declare it nullable/),
      ]),
    );
    // Deny by default: the field without a rule is no one's, admins' included.
    expect(new FieldAccess(policy, schema).rolesFor('Query.systems').size).toBe(0);
    expect(new FieldAccess(policy, schema).allows(['offer-engine'], 'Customer.emails')).toBe(false);
  });
});
