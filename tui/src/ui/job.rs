//! Work in flight: what the spinner turns for, and what it says.

/// One kind of work in flight; the spinner turns while any is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Loading the key list.
    Loading,
    /// Creating a key from the form.
    Creating,
    /// Saving the form's changes to a key.
    Saving,
    /// Rotating a key.
    Rotating,
    /// Revoking keys.
    Revoking,
    /// Retiring a rotation's old key once its successor's secret is stored.
    RetiringOldKey,
    /// Running an incident response.
    Incident,
    /// Writing secrets to a file (first asking whether the secret it holds works).
    Writing,
    /// Applying the keys file.
    Applying,
}

impl Job {
    /// What the spinner says while it runs.
    pub fn label(self) -> &'static str {
        match self {
            Job::Loading => "Loading keys",
            Job::Creating => "Creating the key",
            Job::Saving => "Saving changes",
            Job::Rotating => "Rotating",
            Job::Revoking => "Revoking",
            Job::RetiringOldKey => "Retiring the old key",
            Job::Incident => "Running the incident response",
            Job::Writing => "Writing the file",
            Job::Applying => "Applying the keys file",
        }
    }

    /// A change to the server, refused in read-only mode (a load is not).
    pub fn writes(self) -> bool {
        self != Job::Loading
    }
}

impl std::fmt::Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
