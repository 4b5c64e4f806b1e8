ALTER TABLE "sessions" ADD COLUMN "operator" boolean DEFAULT false NOT NULL;
