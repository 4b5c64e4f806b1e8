DROP INDEX IF EXISTS "audit_events_tenant_action_idx";
--> statement-breakpoint
CREATE INDEX "audit_events_tenant_family_idx" ON "audit_events" USING btree ("tenant_id",split_part("action", '.', 1),"occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);
