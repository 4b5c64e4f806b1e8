ALTER TABLE "connections" ADD COLUMN "cooldown_until" timestamp with time zone;
