ALTER TABLE "audit_webhooks" ADD COLUMN "previous_secret_enc" text;
--> statement-breakpoint
ALTER TABLE "audit_webhooks" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"occasion" text NOT NULL,
	"email_status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notices_kind_check" CHECK ("notices"."kind" in ('api_token_expiring', 'connection_needs_consent')),
	CONSTRAINT "notices_email_status_check" CHECK ("notices"."email_status" in ('pending', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "notices_occasion_key" ON "notices" USING btree ("kind","subject_id","occasion");
--> statement-breakpoint
CREATE INDEX "notices_email_due_idx" ON "notices" USING btree ("email_status","next_attempt_at");
