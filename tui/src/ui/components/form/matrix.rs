//! The permission matrix: the catalog's resources as rows grouped by
//! category, Read and Write as columns. A cell the resource does not
//! support is shown as unavailable and the cursor never lands on it.
//! Permissions a key holds that are no cell of the catalog (an unknown
//! resource or level, another spelling) follow as rows of their own, one
//! cell each: kept byte for byte while set, removable like any other.

use crossterm::event::{KeyCode, KeyEvent};
use narrative_keys::{AccessLevel, CATALOG, CatalogEntry, Group, Permission, PermissionSet};

/// A column of the permission matrix: the access level its cells grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Read access to the row's resource.
    Read,
    /// Write access to the row's resource.
    Write,
}

impl Column {
    /// The access level the column grants.
    pub fn level(self) -> AccessLevel {
        match self {
            Column::Read => AccessLevel::Read,
            Column::Write => AccessLevel::Write,
        }
    }
}

/// Whether the catalog's reading lists this level for the resource. The
/// other level of a single-level resource is unverified: reachable and
/// settable, drawn as such, and warned about by validation.
pub fn supports(entry: &CatalogEntry, col: Column) -> bool {
    match col {
        Column::Read => entry.read,
        Column::Write => entry.write,
    }
}

/// One line of the matrix as drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The heading of one of the documentation's groups, over its resources.
    Heading(Group),
    /// A matrix row: an index into `CATALOG`, or past it into the extras.
    Resource(usize),
    /// The heading of the rows the catalog does not know.
    ExtrasHeading,
}

/// Whether `p` is one of the catalog's cells, spelled as the catalog does.
fn is_cell(p: &Permission) -> bool {
    CATALOG.iter().any(|e| {
        [Column::Read, Column::Write]
            .into_iter()
            .any(|c| Permission::new(c.level(), e.wire) == *p)
    })
}

/// The permission matrix's state: the permissions chosen and the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Every permission set, catalog cells and extras alike: what the form sends.
    pub perms: PermissionSet,
    /// The cursor's row: an index into `CATALOG`, or past its end into
    /// `extras`.
    pub row: usize,
    /// The cursor's column.
    pub col: Column,
    /// The permissions the key held that are no cell of the catalog, in
    /// the order the set keeps them; each is a row of one cell.
    pub extras: Vec<Permission>,
}

/// What a key did to the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixMsg {
    /// Not a matrix key: the caller may use it.
    Ignored,
    /// The cursor moved (or a toggle found no cell under it).
    Moved,
    /// The cursor's cell was set or cleared.
    Toggled,
}

impl Matrix {
    /// A matrix holding `perms`, the cursor on the first row's Read cell; the
    /// permissions that are no cell of the catalog become the extra rows.
    pub fn new(perms: PermissionSet) -> Self {
        let extras = perms.iter().filter(|p| !is_cell(p)).cloned().collect();
        Self {
            perms,
            row: 0,
            col: Column::Read,
            extras,
        }
    }

    /// The lines in display order: each group's heading, then its
    /// resources; then the extras under a heading of their own.
    pub fn lines(&self) -> Vec<Line> {
        let mut out = Vec::with_capacity(CATALOG.len() + Group::ALL.len() + self.extras.len() + 1);
        for group in Group::ALL {
            out.push(Line::Heading(group));
            out.extend(
                CATALOG
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.group == group)
                    .map(|(i, _)| Line::Resource(i)),
            );
        }
        if !self.extras.is_empty() {
            out.push(Line::ExtrasHeading);
            out.extend((0..self.extras.len()).map(|i| Line::Resource(CATALOG.len() + i)));
        }
        out
    }

    /// The catalog entry of the cursor's row; `None` on an extra.
    pub fn entry(&self) -> Option<&'static CatalogEntry> {
        CATALOG.get(self.row)
    }

    /// The permission of an extra row.
    pub fn extra(&self, row: usize) -> Option<&Permission> {
        row.checked_sub(CATALOG.len())
            .and_then(|i| self.extras.get(i))
    }

    /// The permission a cell stands for (an extra row has one, whatever
    /// the column).
    pub fn cell(&self, row: usize, col: Column) -> Option<Permission> {
        match CATALOG.get(row) {
            Some(e) => Some(Permission::new(col.level(), e.wire)),
            None => self.extra(row).cloned(),
        }
    }

    /// Whether the permission of the cell at `row`, `col` is set.
    pub fn is_set(&self, row: usize, col: Column) -> bool {
        self.cell(row, col).is_some_and(|p| self.perms.contains(&p))
    }

    /// The cursor's position among the display lines (for scrolling).
    pub fn cursor_line(&self) -> usize {
        self.lines()
            .iter()
            .position(|l| *l == Line::Resource(self.row))
            .unwrap_or(0)
    }

    /// Sets or clears the cursor's cell; `false` when the cursor is on no cell.
    pub fn toggle(&mut self) -> bool {
        let Some(p) = self.cell(self.row, self.col) else {
            return false;
        };
        if !self.perms.remove(&p) {
            self.perms.insert(p);
        }
        true
    }

    /// Sets every permission of `set` if none is held, else clears them all.
    pub fn toggle_all(&mut self, set: &PermissionSet) {
        if set.iter().any(|p| self.perms.contains(p)) {
            for p in set {
                self.perms.remove(p);
            }
        } else {
            for p in set {
                self.perms.insert(p.clone());
            }
        }
    }

    /// Moves the cursor (arrows, `hjkl`, Page Up/Down, Home/End, `g`/`G`) or
    /// toggles its cell (space, `x`).
    pub fn handle_key(&mut self, key: KeyEvent) -> MatrixMsg {
        let order = self.lines();
        let resource_rows: Vec<usize> = order
            .iter()
            .filter_map(|l| match l {
                Line::Resource(i) => Some(*i),
                Line::Heading(_) | Line::ExtrasHeading => None,
            })
            .collect();
        let pos = resource_rows
            .iter()
            .position(|r| *r == self.row)
            .unwrap_or(0);
        let last = resource_rows.len().saturating_sub(1);
        let go = |p: usize| resource_rows.get(p.min(last)).copied().unwrap_or(0);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.row = go(pos.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => self.row = go(pos + 1),
            KeyCode::PageUp => self.row = go(pos.saturating_sub(8)),
            KeyCode::PageDown => self.row = go(pos + 8),
            KeyCode::Home | KeyCode::Char('g') => self.row = go(0),
            KeyCode::End | KeyCode::Char('G') => self.row = go(last),
            KeyCode::Left | KeyCode::Char('h') => {
                self.col = Column::Read;
                return MatrixMsg::Moved;
            }
            KeyCode::Right | KeyCode::Char('l') => {
                self.col = Column::Write;
                return MatrixMsg::Moved;
            }
            KeyCode::Char(' ') | KeyCode::Char('x') => {
                return if self.toggle() {
                    MatrixMsg::Toggled
                } else {
                    MatrixMsg::Moved
                };
            }
            _ => return MatrixMsg::Ignored,
        }
        MatrixMsg::Moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn unverified_cells_can_be_reached_and_set() {
        let mut m = Matrix::new(PermissionSet::new());
        let em = CATALOG
            .iter()
            .position(|e| e.wire == "encryption_materials")
            .unwrap();
        while m.row != em {
            m.handle_key(key(KeyCode::Down));
        }
        assert_eq!(m.col, Column::Read, "the column stays where it was");
        m.handle_key(key(KeyCode::Char(' ')));
        assert_eq!(m.perms.to_string(), "read:encryption_materials");
        m.handle_key(key(KeyCode::Right));
        m.handle_key(key(KeyCode::Char(' ')));
        assert_eq!(
            m.perms.to_string(),
            "read:encryption_materials,write:encryption_materials"
        );
    }
}

#[cfg(test)]
mod extra_tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    #[test]
    fn permissions_the_catalog_does_not_know_are_rows_that_can_be_cleared() {
        // As the server may send them: an unknown level, an unknown
        // resource, the older spelling of a known one.
        let mut set =
            PermissionSet::parse_compact("read:datasets admin:datasets read:uploads").unwrap();
        set.insert(Permission::new(AccessLevel::Read, "data-planes"));
        let mut m = Matrix::new(set.clone());
        let extras: Vec<String> = m.extras.iter().map(ToString::to_string).collect();
        assert_eq!(extras.len(), 3, "{extras:?}");
        assert!(
            extras.contains(&"read:data-planes".to_owned()),
            "{extras:?}"
        );
        assert!(m.is_set(CATALOG.len(), Column::Read));
        let last = m.lines().len();
        for _ in 0..last {
            m.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
        assert_eq!(
            m.row,
            CATALOG.len() + 2,
            "the cursor reaches the last extra"
        );
        m.handle_key(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE));
        let gone = m.extras[2].clone();
        assert!(!m.perms.contains(&gone), "cleared");
        assert_eq!(m.perms.len(), set.len() - 1);
        m.handle_key(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE));
        assert_eq!(m.perms, set, "set again, byte for byte");
    }
}
