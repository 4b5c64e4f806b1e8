CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"last4" text NOT NULL,
	"services" text[] NOT NULL,
	"permissions" text[] NOT NULL,
	"allowed_cidrs" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"last_used_at" timestamp with time zone,
	"last_used_ip" text,
	"chain_id" text NOT NULL,
	"rotated_from_id" text,
	"rotated_at" timestamp with time zone,
	"grace_until" timestamp with time zone,
	CONSTRAINT "api_tokens_revoked_reason_check" CHECK (("api_tokens"."revoked_at" is null) = ("api_tokens"."revoked_reason" is null))
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens" USING btree ("token_hash");
--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_active_name_key" ON "api_tokens" USING btree ("tenant_id","user_id","name") WHERE revoked_at is null and rotated_at is null;
--> statement-breakpoint
CREATE INDEX "api_tokens_tenant_user_idx" ON "api_tokens" USING btree ("tenant_id","user_id","created_at");
--> statement-breakpoint
CREATE INDEX "api_tokens_chain_idx" ON "api_tokens" USING btree ("chain_id");