//! The bounded contexts of the web layer. Each declares its routes (pages and API
//! operations with their access rules), its navigation entries and its home cards; the
//! router, the menu and the home page are assembled from this list, so a new context
//! adds one line here and edits no central list of paths, menu entries or cards.

use crate::routes::Routes;
use sportello_domain::access::{Permission, Scope};

/// A menu entry: shown to the roles that hold its permission, in `order`.
pub struct NavEntry {
    pub href: &'static str,
    pub label: &'static str,
    pub permission: Permission,
    pub order: u8,
}

/// A card of the home page of the roles that hold its permission, in `order`.
pub struct HomeCard {
    pub permission: Permission,
    pub title: &'static str,
    pub text: &'static str,
    pub href: &'static str,
    pub link: &'static str,
    pub order: u8,
}

/// The card a self-service role (citizen, employer) gets for its own record.
pub struct OwnCard {
    pub href: String,
    pub title: &'static str,
    pub text: &'static str,
}

pub struct Context {
    pub routes: fn(Routes) -> Routes,
    pub nav: &'static [NavEntry],
    pub cards: &'static [HomeCard],
    /// The self-service role's own record in this context, if it has one here.
    pub own_record: fn(&Scope) -> Option<OwnCard>,
}

/// No own record in this context.
pub fn no_own_record(_: &Scope) -> Option<OwnCard> {
    None
}

pub const CONTEXTS: &[Context] = &[
    crate::platform::CONTEXT,
    crate::registry::CONTEXT,
    crate::audit::CONTEXT,
    crate::accounts::CONTEXT,
    crate::rules::CONTEXT,
];

/// Every context's menu entries, in order.
pub fn nav() -> Vec<&'static NavEntry> {
    let mut all: Vec<&NavEntry> = CONTEXTS.iter().flat_map(|c| c.nav).collect();
    all.sort_by_key(|e| e.order);
    all
}

/// Every context's home cards, in order.
pub fn cards() -> Vec<&'static HomeCard> {
    let mut all: Vec<&HomeCard> = CONTEXTS.iter().flat_map(|c| c.cards).collect();
    all.sort_by_key(|c| c.order);
    all
}

/// The cards of a self-service role's own records.
pub fn own_records(scope: &Scope) -> Vec<OwnCard> {
    CONTEXTS
        .iter()
        .filter_map(|c| (c.own_record)(scope))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_and_cards_have_one_place_each() {
        let nav = nav();
        let mut orders: Vec<u8> = nav.iter().map(|e| e.order).collect();
        orders.dedup();
        assert_eq!(orders.len(), nav.len(), "two menu entries share an order");
        let cards = cards();
        let mut orders: Vec<u8> = cards.iter().map(|c| c.order).collect();
        orders.dedup();
        assert_eq!(orders.len(), cards.len(), "two cards share an order");
    }
}
