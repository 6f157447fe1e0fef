// Package resources holds the registry layers of what can be sent to meet
// danger (plan 6.2–6.6): shelters, rescue teams, supply depots with their
// stock, medical facilities and experts. Each is a registry.Layer; the
// engine serves and validates them.
package layers
