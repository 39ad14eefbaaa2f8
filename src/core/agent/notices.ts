/** Sentences core says once, for every host to show as they are. */
export const RESTRICTED_MODE_NOTICE = 'Restricted Mode: this folder is not trusted, so Tack ignores the providers its profiles define, offers only read, glob and grep, and keeps edit, write and bash off. Trust the folder to lift this.';
