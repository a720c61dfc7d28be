# language: da
Egenskab: Rådgiverens typologi
  Typologierne er ifølge rapporten "et internt arbejdsredskab", der kræver "en fleksibel og dynamisk
  tilgang". Reglerne i rules.yaml er projektets egen læsning, så rådgiveren kan sætte den typologi, hun
  vurderer er rigtig, med en begrundelse. Rangordningen regnes så igen med den typologis vejledning.

  Baggrund:
    Givet en borger med disse svar:
      | felt                                                     | svar              |
      | borger-id                                                | P500-TY-01        |
      | kommune                                                  | Rødovre           |
      | opholdsanciennitet (år)                                  | 6                 |
      | hjemmeboende børn under 18 år                            | 1                 |
      | danskuddannelse                                          | danskuddannelse 2 |
      | højest gennemførte uddannelse fra hjemlandet             | grundskole        |
      | erhvervskompetencegivende uddannelse fra Danmark         | ingen             |
      | kontaktform                                              | henvist fra jobcenter |
      | er aktivt jobsøgende                                     | delvist           |
      | er geografisk mobil                                      | ja                |
      | søger bredt ift. alle rimelige job                       | ja                |
      | kan påbegynde ethvert rimeligt arbejde inden for 14 dage | ja                |
      | ønsker overordnet set at komme i arbejde                 | ja                |
      | sproglige færdigheder tilstrækkelige til realistisk arbejde | i nogen grad   |
      | ægtefælle og familie bakker op om arbejde                | i høj grad        |
      | bruger netværk uden for hjemmet i jobsøgningen           | i nogen grad      |
      | jobmålets niveau                                         | intet jobmål nævnt |
      | har en uddannelsesplan                                   | nej               |

  Scenarie: Reglerne giver "Usikkert jobmål" til en borger, der vil arbejde, men ikke nævnte et jobmål
    Når anbefalingen laves
    Så er typologien "Usikkert jobmål"
    Og kommer typologien fra reglerne

  Scenarie: Rådgiveren sætter "Fleksibelt jobmål" med en begrundelse, og rangordningen følger den typologi
    Når rådgiveren sætter typologien "Fleksibelt jobmål" med begrundelsen "Vil gerne arbejde i rengøring; har bare ikke sagt det"
    Så er typologien "Fleksibelt jobmål"
    Og kommer typologien fra rådgiveren, og reglerne gav "Usikkert jobmål"
    Og vises vejledningen for "Fleksibelt jobmål"
    Og følger rangordningen rækkefølgen for "Fleksibelt jobmål" ved næsten lige værdier
    Og er chancerne for hvert tilbud de samme som uden rådgiverens typologi

  Scenarie: Uden begrundelse afvises rådgiverens typologi
    Når rådgiveren sætter typologien "Fleksibelt jobmål" uden begrundelse
    Så afvises det med en fejl, der nævner feltet "typology_reason"

  Scenarie: En ukendt typologi afvises med de tilladte koder
    Når rådgiveren sætter typologien "Superfleksibel" med begrundelsen "fordi"
    Så afvises det med en fejl, der nævner feltet "typology"
    Og nævner fejlen "flexible (Fleksibelt jobmål)"
