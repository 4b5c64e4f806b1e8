/*
 * Generated from docs/openapi.json by `npm run gen` (scripts/generate-sdk.ts). Do not edit by hand.
 */
export interface paths {
  '/api/v1/admin/api-tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List every API token of the tenant with its owner */
    get: {
      parameters: {
        query?: {
          service?: string;
          status?: 'active' | 'expired' | 'revoked' | 'rotated';
          userId?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['AdminApiToken'][];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/api-tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke any API token of the tenant */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the tenant’s audit events (tenant admin), newest first (keyset pagination) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description `nextCursor` of the previous page */
          cursor?: string;
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          limit?: number;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditEventPage'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Export the tenant’s audit events (tenant admin) as CSV or JSON lines (streamed) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description CSV or JSON lines */
          format?: 'csv' | 'jsonl';
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/retention': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant’s audit retention */
    get: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditRetention'];
          };
        };
      };
    };
    /** Set the tenant’s audit retention; the oldest whole blocks past it are purged */
    put: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            days: number | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditRetention'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Live tail of the tenant’s audit events (tenant admin) (server-sent events) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'last-event-id'?: string;
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recompute the tenant’s audit hash chain and name the first broken block */
    get: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditVerifyReport'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the tenant’s webhook subscriptions */
    get: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['AuditWebhook'][];
            };
          };
        };
      };
    };
    put?: never;
    /** Subscribe a URL to the tenant’s audit events (the signing secret is shown once) */
    post: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default [] */
            actions?: string[];
            /** Format: uri */
            url: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              secret: string;
              webhook: components['schemas']['AuditWebhook'];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/webhooks/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete a webhook subscription and its pending deliveries */
    delete: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/webhooks/{id}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The delivery log of a subscription, newest first */
    get: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['AuditWebhookDelivery'][];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/webhooks/{id}/rotate-secret': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Give a subscription a new signing secret (shown once); the old one signs too during the overlap */
    post: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @description How long deliveries keep a second signature made with the old secret (0: drop it now)
             * @default 86400
             */
            overlapSeconds?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              secret: string;
              webhook: components['schemas']['AuditWebhook'];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/audit/webhooks/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a signed test delivery now and report what the receiver answered */
    post: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditWebhookTestResult'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/revocations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Bulk revoke API tokens by user, service or ids (one audit event per token) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            ids?: string[];
            reason?: string;
            service?: string;
            userId?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              ids: string[];
              revoked: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/services/{id}/settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A service's refresh settings in this tenant */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ServiceSettings'];
          };
        };
      };
    };
    /** Set a service's refresh settings in this tenant */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': components['schemas']['ServiceSettingsChoiceInput'];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ServiceSettings'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/token-policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's API token policy */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TokenPolicy'];
          };
        };
      };
    };
    /** Set the tenant's API token policy (applies to new tokens) */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': components['schemas']['TokenPolicyInput'];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TokenPolicy'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's users with their role, API tokens and connections */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['TenantUser'][];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List your API tokens */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['ApiToken'][];
            };
          };
        };
      };
    };
    put?: never;
    /** Create an API token (the secret is in this response only) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': components['schemas']['CreateApiTokenInput'];
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CreatedApiToken'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Show one of your API tokens */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiToken'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Revoke one of your API tokens */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-tokens/{id}/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Rotate an API token (rotating it twice revokes the whole chain) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @description How long the old secret keeps working (≤ 24 h)
             * @default 0
             */
            gracePeriodSeconds?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CreatedApiToken'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List your own audit events (you, or one of your API tokens, are the actor), newest first (keyset pagination) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description `nextCursor` of the previous page */
          cursor?: string;
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          limit?: number;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditEventPage'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Export your own audit events (you, or one of your API tokens, are the actor) as CSV or JSON lines (streamed) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description CSV or JSON lines */
          format?: 'csv' | 'jsonl';
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Live tail of your own audit events (you, or one of your API tokens, are the actor) (server-sent events) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'last-event-id'?: string;
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List your connections to services (never their tokens) */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description Tenant slug or id, when you belong to several. */
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['Connection'][];
            };
          };
        };
      };
    };
    put?: never;
    /** Connect a service: the existing connection, or a consent URL */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description Tenant slug or id, when you belong to several. */
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Same-origin path the browser returns to after the consent (default `/tokens`, the console’s My tokens). */
            returnTo?: string;
            /** @description Service id from the catalogue. */
            service: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Connection'];
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ConsentRequired'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Show a connection */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description Tenant slug or id, when you belong to several. */
          'latchkey-tenant'?: string;
        };
        path: {
          /** @description Connection id (`con_…`). */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Connection'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Disconnect a service: revoke its tokens at the provider and forget them */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description Tenant slug or id, when you belong to several. */
          'latchkey-tenant'?: string;
        };
        path: {
          /** @description Connection id (`con_…`). */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections/{id}/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Refresh a connection now
     * @description A permanent refusal by the provider (`invalid_grant`) answers 409 `connection_needs_consent` and marks the connection so; a transient one answers 503 `provider_unavailable`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description Tenant slug or id, when you belong to several. */
          'latchkey-tenant'?: string;
        };
        path: {
          /** @description Connection id (`con_…`). */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Connection'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dashboard': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Dashboard figures, proxied calls per service and refresh outcomes over 24 h or 7 days */
    get: {
      parameters: {
        query?: {
          /** @description `tenant` needs the admin or owner role */
          view?: 'own' | 'tenant';
          window?: '24h' | '7d';
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Dashboard'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The authenticated caller, its memberships and the active tenant */
    get: {
      parameters: {
        query?: never;
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Me'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List every audit event (platform admin with an operator token), newest first (keyset pagination) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description `nextCursor` of the previous page */
          cursor?: string;
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          limit?: number;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditEventPage'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/audit/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Export every audit event (platform admin with an operator token) as CSV or JSON lines (streamed) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description CSV or JSON lines */
          format?: 'csv' | 'jsonl';
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/audit/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Live tail of every audit event (platform admin with an operator token) (server-sent events) */
    get: {
      parameters: {
        query?: {
          /** @description Action prefix (`api_token.` or `api_token.created`) */
          action?: string;
          /** @description Actor id (for ingested events without one: their e-mail or name) */
          actor?: string;
          /** @description Occurred at or after (ISO 8601) */
          from?: string;
          outcome?: 'success' | 'failure' | 'denied';
          /** @description Free text in action, actor, target and metadata */
          q?: string;
          /** @description `latchkey` or an ingest source id */
          source?: string;
          /** @description Target id */
          target?: string;
          /** @description Operator view only: one tenant id */
          tenant?: string;
          /** @description Occurred before (ISO 8601) */
          to?: string;
        };
        header?: {
          'last-event-id'?: string;
          'latchkey-tenant'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recompute every audit hash chain and name the first broken block */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AuditVerifyReport'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/partners': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List partners with their customer counts */
    get: {
      parameters: {
        query?: {
          search?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['Partner'][];
            };
          };
        };
      };
    };
    put?: never;
    /** Create a partner */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default {} */
            billing?: {
              [key: string]: unknown;
            };
            /** @default {} */
            contact?: {
              [key: string]: unknown;
            };
            /** @default null */
            domain?: string | null;
            /**
             * @description Margin in percent, 0–100
             * @default 0
             */
            marginPct?: number;
            name: string;
            slug: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Partner'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/partners/{slug}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Show a partner with its tenants */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Partner slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              billing: {
                [key: string]: unknown;
              };
              contact: {
                [key: string]: unknown;
              };
              createdAt: string;
              /** @description Tenants attached, deleted ones excluded */
              customers: number;
              domain: string | null;
              id: string;
              marginPct: number;
              name: string;
              slug: string;
              /** @enum {string} */
              status: 'active' | 'terminated';
              tenants: components['schemas']['Tenant'][];
              terminatedAt: string | null;
              updatedAt: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change a partner */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Partner slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            billing?: {
              [key: string]: unknown;
            };
            contact?: {
              [key: string]: unknown;
            };
            domain?: string | null;
            /** @description Margin in percent, 0–100 */
            marginPct?: number;
            name?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Partner'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/operator/partners/{slug}/terminate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Terminate a partner (its tenants keep working and stay attached) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Partner slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Partner'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/tenants': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List tenants (deleted ones only with status=deleted), with counts per status */
    get: {
      parameters: {
        query?: {
          limit?: number;
          offset?: number;
          partnerId?: string;
          /** @description Part of the slug or the name */
          search?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deleted';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              counts: {
                [key: string]: number;
              };
              items: components['schemas']['Tenant'][];
              total: number;
            };
          };
        };
      };
    };
    put?: never;
    /** Create a tenant and provision it */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default [] */
            domains?: string[];
            name: string;
            /** @default null */
            partnerId?: string | null;
            /** @default standard */
            plan?: string;
            /** @description Lowercase DNS label; cannot be changed later */
            slug: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/tenants/{slug}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Show a tenant */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Soft-delete a tenant (data stays until purged) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Change a tenant (the slug is immutable) */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            domains?: string[];
            name?: string;
            partnerId?: string | null;
            plan?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/operator/tenants/{slug}/reconcile': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Re-run the provisioning steps that are not ok (idempotent) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/tenants/{slug}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume a suspended tenant */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/tenants/{slug}/suspend': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Suspend a tenant: its API tokens and connections stop working at once */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Tenant'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/operator/tenants/{slug}/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A tenant's users with their role, API tokens and connections */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description Tenant slug */
          slug: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['TenantUser'][];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/services': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the services you can connect */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['Service'][];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** OIDC redirect URI of the console */
    get: {
      parameters: {
        query?: {
          code?: string;
          state?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Start console sign-in: redirects to the identity provider */
    get: {
      parameters: {
        query?: {
          /** @description 1: operator sign-in, asking the IdP for an operator-audience token */
          operator?: '0' | '1';
          returnTo?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the console session */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/connect/{service}/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Redirect URI of every connector: finishes a consent, then back to the console */
    get: {
      parameters: {
        query?: {
          code?: string;
          error?: string;
          iss?: string;
          loginToken?: string;
          state?: string;
        };
        header?: never;
        path: {
          service: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/demo-api/notes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Demo API: list notes */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                body: string;
                createdAt: string;
                id: string;
                title: string;
                updatedAt: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** Demo API: create a note */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default  */
            body?: string;
            title: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/demo-api/notes/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Demo API: read a note */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    /** Demo API: update a note */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default  */
            body?: string;
            title: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    post?: never;
    /** Demo API: delete a note */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/dev-idp/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mint an IdP access token for a demo user (development mode only) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @description e.g. latchkey-operator for olga
             * @default latchkey
             */
            audience?: string;
            /**
             * @description Lifetime in seconds
             * @default 3600
             */
            expiresIn?: number;
            /** @description Demo user: alice, gina, adam or olga */
            user: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              access_token: string;
              expires_in: number;
              /** @enum {string} */
              token_type: 'Bearer';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process answers */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ok';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ingest/{source}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ingest signed audit events from a configured webhook source */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          source: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['IngestResult'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/oauth/introspect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Token introspection (RFC 7662); inactive tokens answer only {"active":false} */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            token?: string;
            token_type_hint?: string;
          } & {
            [key: string]: unknown;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  /** @enum {boolean} */
                  active: false;
                }
              | {
                  /** @enum {boolean} */
                  active: true;
                  client_id: string;
                  exp: number;
                  iat: number;
                  scope: string;
                  sub: string;
                  tenant: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  username?: string;
                };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/oauth/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke an API token by presenting it (RFC 7009) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            token: string;
            token_type_hint?: string;
          } & {
            [key: string]: unknown;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/oauth/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Token exchange (RFC 8693): a downstream access token for a service */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            audience?: string;
            grant_type?: string;
            requested_token_type?: string;
            resource?: string;
            subject_token?: string;
            subject_token_type?: string;
            tenant?: string;
          } & {
            [key: string]: unknown;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              access_token: string;
              expires_in?: number;
              /** @enum {string} */
              issued_token_type: 'urn:ietf:params:oauth:token-type:access_token';
              scope?: string;
              /** @enum {string} */
              token_type: 'Bearer';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/proxy/{service}/{path}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    /** GET through the proxy */
    get: operations['proxyget'];
    /** PUT through the proxy */
    put: operations['proxyput'];
    /** POST through the proxy */
    post: operations['proxypost'];
    /** DELETE through the proxy */
    delete: operations['proxydelete'];
    /** OPTIONS through the proxy */
    options: operations['proxyoptions'];
    /** HEAD through the proxy */
    head: operations['proxyhead'];
    /** PATCH through the proxy */
    patch: operations['proxypatch'];
    trace?: never;
  };
  '/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: the store answers and every migration is applied */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ready';
              /** @enum {string} */
              store: 'postgres' | 'pglite';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    AdminApiToken: {
      allowedCidrs: string[];
      /** Format: date-time */
      createdAt: string;
      description: string | null;
      /** Format: date-time */
      expiresAt: string;
      graceUntil: string | null;
      /** @description prefix…last4: enough to recognise, never to use */
      hint: string;
      id: string;
      lastUsedAt: string | null;
      lastUsedIp: string | null;
      name: string;
      owner: {
        email: string | null;
        id: string;
        name: string | null;
      };
      permissions: ('read' | 'write' | 'delete' | 'exchange')[];
      revokedAt: string | null;
      revokedReason: string | null;
      rotatedFromId: string | null;
      services: string[];
      /** @enum {string} */
      status: 'active' | 'expired' | 'revoked' | 'rotated';
    };
    AdminApiTokenInput: {
      allowedCidrs: string[];
      /** Format: date-time */
      createdAt: string;
      description: string | null;
      /** Format: date-time */
      expiresAt: string;
      graceUntil: string | null;
      /** @description prefix…last4: enough to recognise, never to use */
      hint: string;
      id: string;
      lastUsedAt: string | null;
      lastUsedIp: string | null;
      name: string;
      owner: {
        email: string | null;
        id: string;
        name: string | null;
      };
      permissions: ('read' | 'write' | 'delete' | 'exchange')[];
      revokedAt: string | null;
      revokedReason: string | null;
      rotatedFromId: string | null;
      services: string[];
      /** @enum {string} */
      status: 'active' | 'expired' | 'revoked' | 'rotated';
    };
    ApiToken: {
      allowedCidrs: string[];
      /** Format: date-time */
      createdAt: string;
      description: string | null;
      /** Format: date-time */
      expiresAt: string;
      graceUntil: string | null;
      /** @description prefix…last4: enough to recognise, never to use */
      hint: string;
      id: string;
      lastUsedAt: string | null;
      lastUsedIp: string | null;
      name: string;
      permissions: ('read' | 'write' | 'delete' | 'exchange')[];
      revokedAt: string | null;
      revokedReason: string | null;
      rotatedFromId: string | null;
      services: string[];
      /** @enum {string} */
      status: 'active' | 'expired' | 'revoked' | 'rotated';
    };
    ApiTokenInput: {
      allowedCidrs: string[];
      /** Format: date-time */
      createdAt: string;
      description: string | null;
      /** Format: date-time */
      expiresAt: string;
      graceUntil: string | null;
      /** @description prefix…last4: enough to recognise, never to use */
      hint: string;
      id: string;
      lastUsedAt: string | null;
      lastUsedIp: string | null;
      name: string;
      permissions: ('read' | 'write' | 'delete' | 'exchange')[];
      revokedAt: string | null;
      revokedReason: string | null;
      rotatedFromId: string | null;
      services: string[];
      /** @enum {string} */
      status: 'active' | 'expired' | 'revoked' | 'rotated';
    };
    AuditEvent: {
      action: string;
      actor: {
        id: string | null;
        ip: string | null;
        label: string | null;
        type: string;
        userAgent: string | null;
      };
      externalId: string | null;
      id: string;
      metadata: {
        [key: string]: unknown;
      };
      /** @description ISO 8601, microseconds */
      occurredAt: string;
      /** @enum {string} */
      outcome: 'success' | 'failure' | 'denied';
      receivedAt: string;
      seq: number;
      source: string;
      target: {
        id: string | null;
        label: string | null;
        type: string | null;
      };
      tenantId: string | null;
    };
    AuditEventInput: {
      action: string;
      actor: {
        id: string | null;
        ip: string | null;
        label: string | null;
        type: string;
        userAgent: string | null;
      };
      externalId: string | null;
      id: string;
      metadata: {
        [key: string]: unknown;
      };
      /** @description ISO 8601, microseconds */
      occurredAt: string;
      /** @enum {string} */
      outcome: 'success' | 'failure' | 'denied';
      receivedAt: string;
      seq: number;
      source: string;
      target: {
        id: string | null;
        label: string | null;
        type: string | null;
      };
      tenantId: string | null;
    };
    AuditEventPage: {
      items: components['schemas']['AuditEvent'][];
      /** @description Cursor of the next (older) page; null on the last page */
      nextCursor: string | null;
    };
    AuditEventPageInput: {
      items: components['schemas']['AuditEventInput'][];
      /** @description Cursor of the next (older) page; null on the last page */
      nextCursor: string | null;
    };
    AuditRetention: {
      /** @description Days events are kept; null: forever */
      days: number | null;
    };
    AuditRetentionInput: {
      /** @description Days events are kept; null: forever */
      days: number | null;
    };
    AuditVerifyReport: {
      chains: {
        anchorSeq: number;
        blocks: number;
        broken: {
          blockSeq: number;
          chainId: string;
          reason: string;
        } | null;
        chainId: string;
        events: number;
        headSeq: number;
      }[];
      /** @description The first block that does not verify */
      firstBroken: {
        blockSeq: number;
        chainId: string;
        reason: string;
      } | null;
      /** @description Every chain verified */
      ok: boolean;
      /** @description Events the sealer has not reached yet */
      unsealedEvents: number;
    };
    AuditVerifyReportInput: {
      chains: {
        anchorSeq: number;
        blocks: number;
        broken: {
          blockSeq: number;
          chainId: string;
          reason: string;
        } | null;
        chainId: string;
        events: number;
        headSeq: number;
      }[];
      /** @description The first block that does not verify */
      firstBroken: {
        blockSeq: number;
        chainId: string;
        reason: string;
      } | null;
      /** @description Every chain verified */
      ok: boolean;
      /** @description Events the sealer has not reached yet */
      unsealedEvents: number;
    };
    AuditWebhook: {
      /** @description Action prefixes delivered; empty: every event */
      actions: string[];
      active: boolean;
      createdAt: string;
      id: string;
      /** @description Until when deliveries also carry a signature made with the secret before the last rotation */
      previousSecretExpiresAt: string | null;
      url: string;
    };
    AuditWebhookDelivery: {
      attempts: number;
      deliveredAt: string | null;
      eventId: string;
      id: string;
      lastError: string | null;
      lastStatusCode: number | null;
      log: {
        at: string;
        error: string | null;
        statusCode: number | null;
      }[];
      nextAttemptAt: string;
      /** @enum {string} */
      status: 'pending' | 'delivered' | 'failed';
    };
    AuditWebhookDeliveryInput: {
      attempts: number;
      deliveredAt: string | null;
      eventId: string;
      id: string;
      lastError: string | null;
      lastStatusCode: number | null;
      log: {
        at: string;
        error: string | null;
        statusCode: number | null;
      }[];
      nextAttemptAt: string;
      /** @enum {string} */
      status: 'pending' | 'delivered' | 'failed';
    };
    AuditWebhookInput: {
      /** @description Action prefixes delivered; empty: every event */
      actions: string[];
      active: boolean;
      createdAt: string;
      id: string;
      /** @description Until when deliveries also carry a signature made with the secret before the last rotation */
      previousSecretExpiresAt: string | null;
      url: string;
    };
    AuditWebhookTestResult: {
      /** @description The receiver answered 2xx */
      delivered: boolean;
      durationMs: number;
      error: string | null;
      statusCode: number | null;
    };
    AuditWebhookTestResultInput: {
      /** @description The receiver answered 2xx */
      delivered: boolean;
      durationMs: number;
      error: string | null;
      statusCode: number | null;
    };
    /** @description Connection */
    Connection: {
      /** @description The account at the provider, when it said. */
      account: string | null;
      /** Format: date-time */
      createdAt: string;
      /** @description Expiry of the current access token. */
      expiresAt: string | null;
      /** @description `con_…` */
      id: string;
      lastRefreshedAt: string | null;
      /** @description A refresh token is held. */
      refreshable: boolean;
      scopes: string[];
      /** @description Service id. */
      service: string;
      serviceName: string;
      /**
       * @description `expired`: the access token has expired, a refresh is possible; `needs_consent`: reconnect.
       * @enum {string}
       */
      status: 'active' | 'expired' | 'needs_consent' | 'revoked';
      /** Format: date-time */
      updatedAt: string;
    };
    /** @description Connection */
    ConnectionInput: {
      /** @description The account at the provider, when it said. */
      account: string | null;
      /** Format: date-time */
      createdAt: string;
      /** @description Expiry of the current access token. */
      expiresAt: string | null;
      /** @description `con_…` */
      id: string;
      lastRefreshedAt: string | null;
      /** @description A refresh token is held. */
      refreshable: boolean;
      scopes: string[];
      /** @description Service id. */
      service: string;
      serviceName: string;
      /**
       * @description `expired`: the access token has expired, a refresh is possible; `needs_consent`: reconnect.
       * @enum {string}
       */
      status: 'active' | 'expired' | 'needs_consent' | 'revoked';
      /** Format: date-time */
      updatedAt: string;
    };
    ConsentRequired: {
      /**
       * Format: uri
       * @description Open it in a browser to consent at the provider.
       */
      authorizationUrl: string;
      /**
       * Format: date-time
       * @description The consent must finish before this time (10 minutes).
       */
      expiresAt: string;
      /** @constant */
      status: 'consent_required';
    };
    ConsentRequiredInput: {
      /**
       * Format: uri
       * @description Open it in a browser to consent at the provider.
       */
      authorizationUrl: string;
      /**
       * Format: date-time
       * @description The consent must finish before this time (10 minutes).
       */
      expiresAt: string;
      /** @constant */
      status: 'consent_required';
    };
    CreateApiToken: {
      /**
       * @description Only from these addresses
       * @default []
       */
      allowedCidrs: string[];
      description?: string;
      /**
       * Format: date-time
       * @description 1 to 365 days ahead (tenant policy may be lower)
       */
      expiresAt?: string;
      /** @description Preset instead of expiresAt */
      expiresInDays?: 7 | 30 | 90 | 365;
      /** @description Unique among your active tokens */
      name: string;
      /** @description read, write, delete, exchange */
      permissions: ('read' | 'write' | 'delete' | 'exchange')[];
      /** @description Service ids, or ["*"] for all */
      services: string[];
    };
    CreateApiTokenInput: {
      /**
       * @description Only from these addresses
       * @default []
       */
      allowedCidrs?: string[];
      description?: string;
      /**
       * Format: date-time
       * @description 1 to 365 days ahead (tenant policy may be lower)
       */
      expiresAt?: string;
      /** @description Preset instead of expiresAt */
      expiresInDays?: 7 | 30 | 90 | 365;
      /** @description Unique among your active tokens */
      name: string;
      /** @description read, write, delete, exchange */
      permissions: ('read' | 'write' | 'delete' | 'exchange')[];
      /** @description Service ids, or ["*"] for all */
      services: string[];
    };
    CreatedApiToken: {
      apiToken: components['schemas']['ApiToken'];
      /** @description The secret, shown this once. Store it now: Latchkey keeps only its hash. */
      token: string;
    };
    CreatedApiTokenInput: {
      apiToken: components['schemas']['ApiTokenInput'];
      /** @description The secret, shown this once. Store it now: Latchkey keeps only its hash. */
      token: string;
    };
    Dashboard: {
      counts: {
        activeConnections: number;
        /** @description API tokens usable now */
        activeTokens: number;
        /** @description Usable API tokens expiring within 7 days */
        expiringSoon: number;
        needsConsent: number;
        /** @description Failed refreshes in the window */
        refreshFailures: number;
      };
      /**
       * Format: date-time
       * @description Start of the first hour of the window (UTC)
       */
      from: string;
      proxy: {
        calls: number;
        failed: number;
        /** @description Calls per hour and service; hours without calls are absent */
        hours: {
          calls: number;
          failed: number;
          /** Format: date-time */
          hour: string;
          service: string;
        }[];
        /** @description Services called in the window, busiest first */
        services: {
          calls: number;
          failed: number;
          name: string;
          service: string;
        }[];
      };
      refreshes: {
        failed: number;
        /** @description Refresh attempts per hour; hours without any are absent */
        hours: {
          failed: number;
          /** Format: date-time */
          hour: string;
          succeeded: number;
        }[];
        succeeded: number;
      };
      /** @enum {string} */
      view: 'own' | 'tenant';
      /** @enum {string} */
      window: '24h' | '7d';
    };
    DashboardInput: {
      counts: {
        activeConnections: number;
        /** @description API tokens usable now */
        activeTokens: number;
        /** @description Usable API tokens expiring within 7 days */
        expiringSoon: number;
        needsConsent: number;
        /** @description Failed refreshes in the window */
        refreshFailures: number;
      };
      /**
       * Format: date-time
       * @description Start of the first hour of the window (UTC)
       */
      from: string;
      proxy: {
        calls: number;
        failed: number;
        /** @description Calls per hour and service; hours without calls are absent */
        hours: {
          calls: number;
          failed: number;
          /** Format: date-time */
          hour: string;
          service: string;
        }[];
        /** @description Services called in the window, busiest first */
        services: {
          calls: number;
          failed: number;
          name: string;
          service: string;
        }[];
      };
      refreshes: {
        failed: number;
        /** @description Refresh attempts per hour; hours without any are absent */
        hours: {
          failed: number;
          /** Format: date-time */
          hour: string;
          succeeded: number;
        }[];
        succeeded: number;
      };
      /** @enum {string} */
      view: 'own' | 'tenant';
      /** @enum {string} */
      window: '24h' | '7d';
    };
    IngestResult: {
      /** @description Already stored (a replay): acknowledged, not stored twice */
      duplicates: number;
      /** @description Dropped by the source’s allowlist */
      filtered: number;
      /** @description Items that are not JSON objects */
      invalid: number;
      received: number;
      stored: number;
    };
    IngestResultInput: {
      /** @description Already stored (a replay): acknowledged, not stored twice */
      duplicates: number;
      /** @description Dropped by the source’s allowlist */
      filtered: number;
      /** @description Items that are not JSON objects */
      invalid: number;
      received: number;
      stored: number;
    };
    Me: {
      /** @description The API token used, with its scopes (null for other credentials) */
      apiToken: {
        /** Format: date-time */
        expiresAt: string;
        id: string;
        name: string;
        permissions: string[];
        services: '*' | string[];
      } | null;
      /**
       * @description How the caller authenticated
       * @enum {string}
       */
      credential: 'idp_token' | 'session' | 'api_token';
      memberships: {
        name: string;
        /** @enum {string} */
        role: 'owner' | 'admin' | 'member' | 'guest';
        slug: string;
        /** @enum {string} */
        status: 'pending' | 'active' | 'suspended' | 'deleted';
        tenantId: string;
      }[];
      /** @description The operator API is open to this credential (audience and platform-admin flag) */
      operator: boolean;
      /** @description Tenant this request acts in (Latchkey-Tenant header or sole membership) */
      tenant: {
        name: string;
        /** @enum {string} */
        role: 'owner' | 'admin' | 'member' | 'guest';
        slug: string;
        /** @enum {string} */
        status: 'pending' | 'active' | 'suspended' | 'deleted';
        tenantId: string;
      } | null;
      user: {
        email: string | null;
        id: string;
        issuer: string;
        name: string | null;
        platformAdmin: boolean;
        subject: string;
      };
    };
    MeInput: {
      /** @description The API token used, with its scopes (null for other credentials) */
      apiToken: {
        /** Format: date-time */
        expiresAt: string;
        id: string;
        name: string;
        permissions: string[];
        services: '*' | string[];
      } | null;
      /**
       * @description How the caller authenticated
       * @enum {string}
       */
      credential: 'idp_token' | 'session' | 'api_token';
      memberships: {
        name: string;
        /** @enum {string} */
        role: 'owner' | 'admin' | 'member' | 'guest';
        slug: string;
        /** @enum {string} */
        status: 'pending' | 'active' | 'suspended' | 'deleted';
        tenantId: string;
      }[];
      /** @description The operator API is open to this credential (audience and platform-admin flag) */
      operator: boolean;
      /** @description Tenant this request acts in (Latchkey-Tenant header or sole membership) */
      tenant: {
        name: string;
        /** @enum {string} */
        role: 'owner' | 'admin' | 'member' | 'guest';
        slug: string;
        /** @enum {string} */
        status: 'pending' | 'active' | 'suspended' | 'deleted';
        tenantId: string;
      } | null;
      user: {
        email: string | null;
        id: string;
        issuer: string;
        name: string | null;
        platformAdmin: boolean;
        subject: string;
      };
    };
    Partner: {
      billing: {
        [key: string]: unknown;
      };
      contact: {
        [key: string]: unknown;
      };
      createdAt: string;
      /** @description Tenants attached, deleted ones excluded */
      customers: number;
      domain: string | null;
      id: string;
      marginPct: number;
      name: string;
      slug: string;
      /** @enum {string} */
      status: 'active' | 'terminated';
      terminatedAt: string | null;
      updatedAt: string;
    };
    PartnerInput: {
      billing: {
        [key: string]: unknown;
      };
      contact: {
        [key: string]: unknown;
      };
      createdAt: string;
      /** @description Tenants attached, deleted ones excluded */
      customers: number;
      domain: string | null;
      id: string;
      marginPct: number;
      name: string;
      slug: string;
      /** @enum {string} */
      status: 'active' | 'terminated';
      terminatedAt: string | null;
      updatedAt: string;
    };
    Service: {
      baseUrl: string;
      /** @enum {string} */
      connector: 'oidc' | 'oauth2' | 'oauth2-dcr' | 'matrix-sso';
      dav: boolean;
      id: string;
      /** @description Requests are JMAP method calls (the proxy checks each call against the token) */
      jmap: boolean;
      name: string;
    };
    ServiceInput: {
      baseUrl: string;
      /** @enum {string} */
      connector: 'oidc' | 'oauth2' | 'oauth2-dcr' | 'matrix-sso';
      dav: boolean;
      id: string;
      /** @description Requests are JMAP method calls (the proxy checks each call against the token) */
      jmap: boolean;
      name: string;
    };
    ServiceSettings: {
      /** @description Background refresh this many seconds before expiry */
      beforeExpirySeconds: number;
      /** @description Refreshes of this service running at once */
      maxConcurrency: number;
      /** @description false: the catalogue defaults apply */
      overridden: boolean;
      /** @description Refresh this service’s tokens in the background */
      refreshEnabled: boolean;
      service: string;
    };
    ServiceSettingsChoice: {
      /** @description Background refresh this many seconds before expiry */
      beforeExpirySeconds: number;
      /** @description Refreshes of this service running at once */
      maxConcurrency: number;
      /** @description Refresh this service’s tokens in the background */
      refreshEnabled: boolean;
    };
    ServiceSettingsChoiceInput: {
      /** @description Background refresh this many seconds before expiry */
      beforeExpirySeconds: number;
      /** @description Refreshes of this service running at once */
      maxConcurrency: number;
      /** @description Refresh this service’s tokens in the background */
      refreshEnabled: boolean;
    };
    ServiceSettingsInput: {
      /** @description Background refresh this many seconds before expiry */
      beforeExpirySeconds: number;
      /** @description Refreshes of this service running at once */
      maxConcurrency: number;
      /** @description false: the catalogue defaults apply */
      overridden: boolean;
      /** @description Refresh this service’s tokens in the background */
      refreshEnabled: boolean;
      service: string;
    };
    Tenant: {
      createdAt: string;
      deletedAt: string | null;
      domains: string[];
      id: string;
      name: string;
      partnerId: string | null;
      plan: string;
      provisioning: {
        steps: {
          [key: string]: {
            attempts: number;
            error: string | null;
            service: string;
            /** @enum {string} */
            state: 'ok' | 'skipped' | 'error' | 'pending';
            step: string;
            type: string;
            updatedAt: string;
          };
        };
      };
      slug: string;
      /** @enum {string} */
      status: 'pending' | 'active' | 'suspended' | 'deleted';
      updatedAt: string;
    };
    TenantInput: {
      createdAt: string;
      deletedAt: string | null;
      domains: string[];
      id: string;
      name: string;
      partnerId: string | null;
      plan: string;
      provisioning: {
        steps: {
          [key: string]: {
            attempts: number;
            error: string | null;
            service: string;
            /** @enum {string} */
            state: 'ok' | 'skipped' | 'error' | 'pending';
            step: string;
            type: string;
            updatedAt: string;
          };
        };
      };
      slug: string;
      /** @enum {string} */
      status: 'pending' | 'active' | 'suspended' | 'deleted';
      updatedAt: string;
    };
    TenantUser: {
      apiTokens: {
        /** @description Neither revoked nor expired */
        active: number;
        lastUsedAt: string | null;
        total: number;
      };
      connections: {
        byStatus: {
          [key: string]: number;
        };
        services: string[];
        total: number;
      };
      email: string | null;
      id: string;
      lastSeenAt: string | null;
      name: string | null;
      platformAdmin: boolean;
      /** @enum {string} */
      role: 'owner' | 'admin' | 'member' | 'guest';
      /** @enum {string} */
      source: 'idp' | 'manual';
    };
    TenantUserInput: {
      apiTokens: {
        /** @description Neither revoked nor expired */
        active: number;
        lastUsedAt: string | null;
        total: number;
      };
      connections: {
        byStatus: {
          [key: string]: number;
        };
        services: string[];
        total: number;
      };
      email: string | null;
      id: string;
      lastSeenAt: string | null;
      name: string | null;
      platformAdmin: boolean;
      /** @enum {string} */
      role: 'owner' | 'admin' | 'member' | 'guest';
      /** @enum {string} */
      source: 'idp' | 'manual';
    };
    TokenPolicy: {
      /** @description Longest lifetime of new API tokens in this tenant; null: the global 365 days */
      maxLifetimeDays: number | null;
    };
    TokenPolicyInput: {
      /** @description Longest lifetime of new API tokens in this tenant; null: the global 365 days */
      maxLifetimeDays: number | null;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  proxyget: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  proxyput: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  proxypost: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  proxydelete: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  proxyoptions: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  proxyhead: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  proxypatch: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Path below the service */
        path: string;
        /** @description Service id */
        service: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `invalid_token`, `token_revoked`, `token_expired`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `insufficient_scope` (with `required`), `tenant_suspended`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description `connection_required` / `connection_needs_consent`, with `authorizationUrl`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Body over `proxy.maxBodyBytes`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description Per-token rate limit; `Retry-After` and `RateLimit-*` headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service could not be reached. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service did not answer in time. */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': {
            /** @description `connection_required`: where to consent */
            authorizationUrl?: string;
            code: string;
            detail?: string;
            /** @description `insufficient_scope` */
            required?: string[];
            status: number;
            title: string;
            type: string;
          };
        };
      };
      /** @description The service’s own answer, status, headers and body streamed as they are. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
