// The HTTP conventions laid over the routes once they are all added (docs/api.md "Conventions"):
// Idempotency-Key on every state-changing request of shoppers and operators (http/idempotency.hpp),
// and CORS on the shopper routes when [http] cors_origins names origins. Operator routes never
// answer CORS: a browser page on another origin cannot call them.
#pragma once

#include "http/context.hpp"
#include "http/router.hpp"

namespace bitacora::http {

void apply_conventions(Router& router, Services& services);

}  // namespace bitacora::http
