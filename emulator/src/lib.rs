//! Local Narrative API-key server.
