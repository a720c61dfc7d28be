# language: da
Egenskab: Borgerens jobmålstypologi
  Som fagperson på jobcentret
  vil jeg se, at reglerne i rules.yaml giver hver borger den rigtige typologi og siger hvilken regel,
  så rådgiveren kan forklare borgeren, hvorfor forløbet foreslås.
  Reglerne prøves oppefra og ned; den første regel, der passer, giver typologien.

  Abstrakt Scenario: Den første regel, der passer, giver typologien
    Givet en borger med standardoplysninger
    Og borgerens "ønsker overordnet set at komme i arbejde" er "<ønsker arbejde>"
    Og borgerens "jobmålets niveau" er "<jobmål>"
    Og borgerens "højest gennemførte uddannelse fra hjemlandet" er "<uddannelse i hjemlandet>"
    Og borgerens "erhvervskompetencegivende uddannelse fra Danmark" er "<uddannelse i Danmark>"
    Og borgerens "har en uddannelsesplan" er "<uddannelsesplan>"
    Og borgerens "sproglige færdigheder tilstrækkelige til realistisk arbejde" er "<sprog>"
    Og borgerens "danskuddannelse" er "<danskuddannelse>"
    Og borgerens "søger bredt ift. alle rimelige job" er "<søger bredt>"
    Når reglerne anvendes
    Så er typologien "<typologi>"
    Og kommer typologien fra reglen "<regel>"

    Eksempler:
      | ønsker arbejde | jobmål       | uddannelse i hjemlandet       | uddannelse i Danmark      | uddannelsesplan | sprog         | danskuddannelse   | søger bredt | typologi           | regel                   |
      # Regel 1: intet ønske om arbejde slår alle andre regler
      | nej            | videregående | ingen                         | ingen                     | nej             | slet ikke     | ingen             | nej         | Intet jobmål       | no_wish_for_work        |
      | nej            | ufaglært     | grundskole                    | ingen                     | nej             | i høj grad    | danskuddannelse 3 | ja          | Intet jobmål       | no_wish_for_work        |
      # Regel 2: intet eller uklart jobmål (også når borgeren søger bredt)
      | ja             | intet jobmål | grundskole                    | ingen                     | nej             | i nogen grad  | danskuddannelse 2 | nej         | Usikkert jobmål    | no_concrete_goal        |
      | delvist        | uklart       | lang videregående uddannelse  | ingen                     | ja              | i høj grad    | danskuddannelse 3 | ja          | Usikkert jobmål    | no_concrete_goal        |
      # Regel 3: videregående jobmål uden uddannelse at bygge på
      | ja             | videregående | grundskole                    | ved ikke                  | nej             | i høj grad    | danskuddannelse 3 | ja          | Urealistisk jobmål | education_gap           |
      | delvist        | videregående | ingen                         | ingen                     | nej             | i nogen grad  | danskuddannelse 2 | nej         | Urealistisk jobmål | education_gap           |
      # Regel 3, grænser: gymnasial uddannelse, dansk uddannelse eller en uddannelsesplan er nok til at undgå den
      | ja             | videregående | gymnasial uddannelse          | ingen                     | nej             | i høj grad    | danskuddannelse 3 | ja          | Fleksibelt jobmål  | open_to_realistic_jobs  |
      | ja             | videregående | grundskole                    | erhvervsfaglig uddannelse | nej             | i høj grad    | danskuddannelse 3 | nej         | Ambitiøst jobmål   | own_level_narrow_search |
      | ja             | videregående | grundskole                    | ingen                     | ja              | i høj grad    | danskuddannelse 3 | delvist     | Ambitiøst jobmål   | own_level_narrow_search |
      | ja             | faglært      | ingen                         | ingen                     | nej             | i nogen grad  | danskuddannelse 2 | delvist     | Ambitiøst jobmål   | own_level_narrow_search |
      # Regel 4: faglært eller videregående jobmål, men sproget rækker ikke
      | ja             | faglært      | grundskole                    | ingen                     | nej             | i lav grad    | danskuddannelse 1 | ja          | Urealistisk jobmål | language_gap            |
      | ja             | videregående | lang videregående uddannelse  | ingen                     | nej             | slet ikke     | ingen             | nej         | Urealistisk jobmål | language_gap            |
      # Regel 4, grænser: sprog i mindre grad, danskuddannelse 2 eller en uddannelsesplan er nok til at undgå den
      | ja             | faglært      | grundskole                    | ingen                     | nej             | i mindre grad | danskuddannelse 1 | nej         | Ambitiøst jobmål   | own_level_narrow_search |
      | ja             | faglært      | grundskole                    | ingen                     | nej             | i lav grad    | danskuddannelse 2 | nej         | Ambitiøst jobmål   | own_level_narrow_search |
      | ja             | faglært      | grundskole                    | ingen                     | ja              | i lav grad    | danskuddannelse 1 | ja          | Fleksibelt jobmål  | open_to_realistic_jobs  |
      # Regel 5: jobmål på eget niveau, men søger ikke bredt
      | delvist        | faglært      | erhvervsfaglig uddannelse     | erhvervsfaglig uddannelse | nej             | i høj grad    | danskuddannelse 3 | nej         | Ambitiøst jobmål   | own_level_narrow_search |
      # Regel 6: alle andre – ufaglært jobmål, eller søger bredt
      | ja             | ufaglært     | ingen                         | ingen                     | nej             | slet ikke     | ingen             | nej         | Fleksibelt jobmål  | open_to_realistic_jobs  |
      | delvist        | faglært      | erhvervsfaglig uddannelse     | ingen                     | ja              | i høj grad    | danskuddannelse 3 | ja          | Fleksibelt jobmål  | open_to_realistic_jobs  |
