//! Synthetic data (`sportello seed`): offices per province, the bulk load on both
//! backends, rows read back through the SeaORM entities, runs repeated with other seeds.

use crate::support::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sportello_db::entity::{comune, employer, employer_unit, office, office_comune, person};
use sportello_db::seed::{self, SeedOptions};
use sportello_domain::codice_fiscale::CodiceFiscale;
use sportello_domain::partita_iva::PartitaIva;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use uuid::Uuid;

fn toscana() -> Vec<String> {
    vec!["09".to_owned()]
}

async fn office_of_comune(t: &TestApp) -> HashMap<String, Uuid> {
    office_comune::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.comune, l.office_id))
        .collect()
}

#[tokio::test]
async fn offices_one_per_province_of_toscana() {
    let t = TestApp::new().await;
    assert_eq!(
        seed::ensure_offices(&t.db, Some(&toscana())).await.unwrap(),
        10
    );
    // Idempotent: the provinces have their office now.
    assert_eq!(
        seed::ensure_offices(&t.db, Some(&toscana())).await.unwrap(),
        0
    );
    let offices: HashMap<Uuid, office::Model> = office::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    assert_eq!(offices.len(), 10);
    let provinces: HashSet<&str> = offices.values().map(|o| o.province_code.as_str()).collect();
    assert_eq!(provinces.len(), 10);
    assert!(offices.values().all(|o| o.region_code == "09" && o.active));
    assert!(
        offices
            .values()
            .any(|o| o.name == "Centro per l'impiego di Firenze")
    );

    let comuni = comune::Entity::find()
        .filter(comune::Column::RegionCode.eq("09"))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(comuni.len(), 273);
    let links = office_of_comune(&t).await;
    assert_eq!(links.len(), comuni.len(), "only Toscana is served");
    for c in &comuni {
        let o = &offices[&links[&c.istat_code]];
        assert_eq!(o.province_code, c.province_code, "{}", c.name);
    }
    // Each office sits in a comune of its own province.
    let seats: HashMap<&str, &comune::Model> =
        comuni.iter().map(|c| (c.istat_code.as_str(), c)).collect();
    for o in offices.values() {
        assert_eq!(seats[o.comune.as_str()].province_code, o.province_code);
    }

    let err = seed::ensure_offices(&t.db, Some(&["99".to_owned()]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("regione sconosciuta"), "{err}");
}

#[tokio::test]
async fn seed_loads_rows_that_read_back_through_the_entities() {
    let t = TestApp::new().await;
    let calls = Mutex::new(Vec::new());
    let opts = SeedOptions {
        persons: 2_000,
        employers: 50,
        seed: 42,
        regions: Some(toscana()),
    };
    let report = seed::run(&t.db, &opts, &|done, total| {
        calls.lock().unwrap().push((done, total))
    })
    .await
    .unwrap();
    assert_eq!(report.offices_created, 10);
    assert_eq!((report.persons, report.employers), (2_000, 50));
    assert!(report.seconds > 0.0);
    let calls = calls.into_inner().unwrap();
    assert_eq!(calls.first(), Some(&(0, 2_050)));
    assert_eq!(calls.last(), Some(&(2_050, 2_050)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(calls.len() >= 3);

    assert_eq!(person::Entity::find().count(&t.db).await.unwrap(), 2_000);
    assert_eq!(employer::Entity::find().count(&t.db).await.unwrap(), 50);

    let links = office_of_comune(&t).await;
    let today = time::OffsetDateTime::now_utc().date();
    let now = time::OffsetDateTime::now_utc();
    let persons = person::Entity::find().all(&t.db).await.unwrap();
    assert_eq!(persons.len(), 2_000);
    let mut codes = HashSet::new();
    for p in &persons {
        assert!(codes.insert(p.codice_fiscale.clone()));
        let cf = CodiceFiscale::parse(&p.codice_fiscale, today)
            .unwrap_or_else(|e| panic!("{}: {e:?}", p.codice_fiscale));
        assert_eq!(cf.birth_date(), p.birth_date);
        assert_eq!(format!("{:?}", cf.sex()), p.sex);
        assert_eq!(cf.birth_place().cadastral_code, p.birth_place_code);
        assert_eq!(p.region_code, "09");
        assert_eq!(p.office_id, Some(links[&p.domicile_comune]));
        assert!(p.fictitious && !p.birth_data_confirmed);
        assert!(["email", "sms", "post"].contains(&p.preferred_channel.as_str()));
        assert!(
            p.email
                .as_deref()
                .is_none_or(|e| e.ends_with("@esempio.invalid"))
        );
        assert!(p.phone.as_deref().is_none_or(|t| t.starts_with("+39 000")));
        assert_eq!(p.created_at, p.updated_at);
        assert!((now - p.created_at).whole_minutes().abs() < 10);
        assert_eq!(p.id.get_version_num(), 7);
        let years = (today - p.birth_date).whole_days() / 365;
        assert!((15..=68).contains(&years), "{}", p.birth_date);
    }
    // Typed round trips: a UUID key, a DATE filter.
    let p = &persons[17];
    let again = person::Entity::find_by_id(p.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&again, p);
    let same_day = person::Entity::find()
        .filter(person::Column::BirthDate.eq(p.birth_date))
        .filter(person::Column::OfficeId.eq(p.office_id))
        .all(&t.db)
        .await
        .unwrap();
    assert!(same_day.iter().any(|q| q.id == p.id));

    let employers = employer::Entity::find().all(&t.db).await.unwrap();
    let ids: HashSet<Uuid> = employers.iter().map(|e| e.id).collect();
    for e in &employers {
        assert!(PartitaIva::parse(&e.tax_code).is_ok(), "{}", e.tax_code);
        assert_eq!(e.vat_number.as_deref(), Some(e.tax_code.as_str()));
        assert_eq!(e.office_id, Some(links[&e.legal_comune]));
        assert_eq!(e.region_code, "09");
        assert!(["micro", "small", "medium", "large"].contains(&e.size_class.as_str()));
        assert!(e.ateco_2025.is_some());
    }
    let units = employer_unit::Entity::find().all(&t.db).await.unwrap();
    assert!(units.len() <= 100);
    assert!(units.iter().all(|u| ids.contains(&u.employer_id)));

    // Another seed adds rows; the same seed again draws the same persons, whose codes then
    // become omocodes, and the same partite IVA, which are drawn again: no unique violation.
    for (seed, persons_before) in [(43, 2_000), (42, 4_000)] {
        let report = seed::run(
            &t.db,
            &SeedOptions {
                persons: 2_000,
                employers: 50,
                seed,
                regions: Some(toscana()),
            },
            &|_, _| {},
        )
        .await
        .unwrap();
        assert_eq!(report.offices_created, 0);
        assert_eq!(
            person::Entity::find().count(&t.db).await.unwrap(),
            persons_before + 2_000
        );
    }
    assert_eq!(employer::Entity::find().count(&t.db).await.unwrap(), 150);
    let persons = person::Entity::find().all(&t.db).await.unwrap();
    let omocodes = persons
        .iter()
        .filter(|p| {
            CodiceFiscale::parse(&p.codice_fiscale, today)
                .unwrap()
                .is_omocode()
        })
        .count();
    assert!(omocodes >= 2_000, "{omocodes} omocodes");
}

#[tokio::test]
async fn seed_all_italy_creates_the_missing_offices() {
    let t = TestApp::new().await;
    assert_eq!(
        seed::ensure_offices(&t.db, Some(&toscana())).await.unwrap(),
        10
    );
    let report = seed::run(
        &t.db,
        &SeedOptions {
            persons: 300,
            employers: 10,
            seed: 1,
            regions: None,
        },
        &|_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(report.offices_created, 97, "107 provinces in all");
    let links = office_of_comune(&t).await;
    assert_eq!(
        links.len() as u64,
        comune::Entity::find().count(&t.db).await.unwrap()
    );
    let persons = person::Entity::find().all(&t.db).await.unwrap();
    assert!(persons.iter().all(|p| p.office_id.is_some()));
    let regions: HashSet<&str> = persons.iter().map(|p| p.region_code.as_str()).collect();
    assert!(regions.len() > 10, "{regions:?}");

    let err = seed::run(
        &t.db,
        &SeedOptions {
            persons: 1,
            employers: 0,
            seed: 1,
            regions: Some(vec!["21".to_owned()]),
        },
        &|_, _| {},
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("regione sconosciuta"), "{err}");
}
