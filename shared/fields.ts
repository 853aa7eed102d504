import { z } from 'zod';
import { LIMITS } from './limits.ts';

/** Field schemas that several records share. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
export const recordIdSchema = z.string().min(1).max(LIMITS.idChars);
export const annotatorSchema = z.string().trim().min(1).max(LIMITS.annotatorChars);
