import { ConfigError } from '../../config';
import { checkFieldMap } from '../check-field-map';
import { httpOptionsFromConfig, requireCredential } from '../http-options-from-config';
import type { SourceDialect } from '../source-dialect';
import { MailchimpAdapter } from './mailchimp-adapter';
import { dataCentreOf } from './mailchimp-client';
import { defaultMailchimpFieldMap } from './mailchimp-member';

/**
 * `dialect: "mailchimp"`: credentials `apiKey` (its `-dc` suffix picks the data centre
 * when `baseUrl` is left out: `https://<dc>.api.mailchimp.com/3.0`) and `listId` (or
 * `options.listId`); `fieldMap` names the audience's merge tags.
 */
export const mailchimpDialect: SourceDialect = Object.freeze<SourceDialect>({
  dialect: 'mailchimp',
  create: (system, dependencies) => {
    const apiKey = requireCredential(system, 'apiKey');
    const dataCentre = dataCentreOf(apiKey);
    const listId = system.options.listId ?? system.credentials.listId;
    if (!listId) {
      throw new ConfigError(`Invalid configuration: system ${system.name} (mailchimp) needs options.listId (the audience id).`);
    }
    return new MailchimpAdapter({
      ...httpOptionsFromConfig(system, dependencies, dataCentre ? `https://${dataCentre}.api.mailchimp.com/3.0` : undefined),
      name: system.name,
      apiKey,
      listId,
      fieldMap: checkFieldMap(system, defaultMailchimpFieldMap),
    });
  },
});
