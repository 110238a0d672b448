/**
 * The parts of an API key (`cpgk_<16-char id>_<43-char secret>`). The secret is base64url and may itself hold '_',
 * so `key.split('_')` is wrong for it (and yields '' when the secret starts with '_').
 */
export const keyIdOf = (key: string): string => key.slice('cpgk_'.length, 'cpgk_'.length + 16);
export const keySecretOf = (key: string): string => key.slice('cpgk_'.length + 17);
