CREATE TABLE "proxy_usage" (
	"tenant_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"user_id" text NOT NULL,
	"service_id" text NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "proxy_usage_pkey" PRIMARY KEY("tenant_id","hour","user_id","service_id")
);
