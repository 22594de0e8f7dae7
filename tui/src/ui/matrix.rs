//! The permission matrix: the catalog's resources as rows grouped by
//! category, Read and Write as columns. A cell the resource does not
//! support is shown as unavailable and the cursor never lands on it.

use crossterm::event::{KeyCode, KeyEvent};
use narrative_keys::{AccessLevel, CATALOG, CatalogEntry, Group, Permission, PermissionSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Read,
    Write,
}

impl Column {
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
    Heading(Group),
    /// An index into `CATALOG`.
    Resource(usize),
}

/// The lines in display order: each group's heading, then its resources.
pub fn lines() -> Vec<Line> {
    let mut out = Vec::with_capacity(CATALOG.len() + Group::ALL.len());
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
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub perms: PermissionSet,
    /// The cursor's resource, as an index into `CATALOG`.
    pub row: usize,
    pub col: Column,
}

/// What a key did to the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixMsg {
    Ignored,
    Moved,
    Toggled,
}

impl Matrix {
    pub fn new(perms: PermissionSet) -> Self {
        Self {
            perms,
            row: 0,
            col: Column::Read,
        }
    }

    pub fn entry(&self) -> &'static CatalogEntry {
        &CATALOG[self.row.min(CATALOG.len() - 1)]
    }

    pub fn is_set(&self, row: usize, col: Column) -> bool {
        CATALOG
            .get(row)
            .is_some_and(|e| self.perms.contains(&Permission::new(col.level(), e.wire)))
    }

    /// The cursor's position among the display lines (for scrolling).
    pub fn cursor_line(&self) -> usize {
        lines()
            .iter()
            .position(|l| *l == Line::Resource(self.row))
            .unwrap_or(0)
    }

    pub fn toggle(&mut self) -> bool {
        let entry = self.entry();
        let p = Permission::new(self.col.level(), entry.wire);
        if !self.perms.remove(&p) {
            self.perms.insert(p);
        }
        true
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> MatrixMsg {
        let order = lines();
        let resource_rows: Vec<usize> = order
            .iter()
            .filter_map(|l| match l {
                Line::Resource(i) => Some(*i),
                Line::Heading(_) => None,
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
