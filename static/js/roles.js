// What each role may do, mirrored from internal/auth/roles.go so the page offers only
// what the API will accept (the API still checks every request).
const grants = {
  viewer: ['map:read'],
  editor: ['map:read', 'registry:write', 'experts:read'],
  dispatcher: ['map:read', 'incidents:write', 'teams:dispatch', 'experts:read'],
  duty_officer: ['map:read', 'registry:write', 'incidents:write', 'teams:dispatch', 'warnings:blue-yellow', 'experts:read'],
  commander: ['map:read', 'registry:write', 'incidents:write', 'teams:dispatch', 'warnings:blue-yellow', 'warnings:orange-red', 'response:activate', 'experts:read'],
  admin: ['map:read', 'registry:write', 'incidents:write', 'teams:dispatch', 'warnings:blue-yellow', 'warnings:orange-red', 'response:activate', 'experts:read', 'metrics:read', 'users:manage', 'audit:read', 'warnings:channels'],
};

export function can(role, permission) { return (grants[role] || []).includes(permission); }

// Warning levels a role may issue or lift (plan 3.2.2).
export function warningLevels(role) {
  return [...(can(role, 'warnings:blue-yellow') ? ['blue', 'yellow'] : []), ...(can(role, 'warnings:orange-red') ? ['orange', 'red'] : [])];
}
