import { z } from 'zod';
import { connectionViewSchema } from '../../connections/view.js';

export const connectionSchema = connectionViewSchema.meta({ id: 'Connection' });

export const connectionIdParams = z.object({
  id: z.string().min(1).max(64).describe('Connection id (`con_…`).'),
});

export const tenantHeaders = z.object({
  'latchkey-tenant': z.string().max(80).optional().describe('Tenant slug or id, when you belong to several.'),
});
