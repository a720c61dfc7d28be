# language: da
Egenskab: Den indbyggede models adfærd
  Som fagperson på jobcentret
  vil jeg vide, hvad forslaget altid gør, hvad der aldrig ændrer det, og i hvilken retning det
  bevæger sig, når borgerens situation ændrer sig,
  så jeg kan stole på forslaget uden at læse modellens kode.
  Scenarierne køres mod den indbyggede model og standardreglerne. "Chancen" er modellens estimat,
  en sammenhæng lært fra tidligere borgere, ikke en virkning af tilbuddet.

  Baggrund:
    Givet standardborgeren:
      | felt                                                        | værdi             |
      | borger-id                                                   | P500-0001         |
      | kommune                                                     | Aarhus            |
      | opholdsanciennitet (år)                                     | 4                 |
      | hjemmeboende børn under 18 år                               | 2                 |
      | danskuddannelse                                             | danskuddannelse 2 |
      | højest gennemførte uddannelse fra hjemlandet                | grundskole        |
      | erhvervskompetencegivende uddannelse fra Danmark            | ingen             |
      | kontaktform                                                 | opsøgende kontakt |
      | er aktivt jobsøgende                                        | delvist           |
      | er geografisk mobil                                         | ja                |
      | søger bredt ift. alle rimelige job                          | ja                |
      | kan påbegynde ethvert rimeligt arbejde inden for 14 dage    | ja                |
      | ønsker overordnet set at komme i arbejde                    | ja                |
      | sproglige færdigheder tilstrækkelige til realistisk arbejde | i nogen grad      |
      | ægtefælle og familie bakker op om arbejde                   | i høj grad        |
      | bruger netværk uden for hjemmet i jobsøgningen              | i nogen grad      |
      | jobmålets niveau                                            | ufaglært          |
      | har en uddannelsesplan                                      | nej               |

  # --- Mindstekrav -------------------------------------------------------------------------------

  Scenarie: En jobparat borger med fleksibelt jobmål får virksomhedspraktik eller løntilskud først
    Givet en jobparat borger med fleksibelt jobmål
    Når anbefalingen beregnes
    Så er typologien "Fleksibelt jobmål"
    Og er det første tilbud "virksomhedspraktik" eller "løntilskud"

  Scenarie: Alle fire tilbud vises, og chancerne for hvert tilbud summer til 100 %
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så vises alle fire tilbud i en rangordning
    Og summer chancerne for hvert tilbud til 100 %

  Scenarie: Andelene "bedst i modellens genberegninger" summer til 100 % over de anbefalede tilbud
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så summer andelene for de anbefalede tilbud til 100 %
    Og har tilbud, der ikke anbefales, andelen 0 %

  # --- Én rækkefølge, som rådgiveren kan sige i én sætning ----------------------------------------

  Scenarie: De anbefalede tilbud står efter forventet værdi, og de frarådede står sidst
    Givet en borger med standardoplysninger
    Og borgerens "ønsker overordnet set at komme i arbejde" er "delvist"
    Når anbefalingen beregnes
    Så står de frarådede tilbud sidst
    Og stiger den forventede værdi aldrig mere end tie-margenen ned gennem de anbefalede tilbud
    Og forklarer skærmen rækkefølgen med "Rækkefølge: de anbefalede tilbud efter forventet værdi"

  Scenarie: Lidt erfaring med et tilbud ses i estimatet og advarslen, ikke i pladsen
    Givet en borger med standardoplysninger
    Og borgerens "jobmålets niveau" er "uklart"
    Når anbefalingen beregnes
    Så har hvert tilbud med lidt erfaring en advarsel om, at estimatet er trukket mod gennemsnittet
    Og stiger den forventede værdi aldrig mere end tie-margenen ned gennem de anbefalede tilbud

  Scenarie: Vurderingen nævner det første tilbud, eller en gruppe, der begynder med det
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så nævner vurderingen det første tilbud først
    Og er det første tilbud det, der oftest er bedst i modellens genberegninger

  # --- Hvor tallene kommer fra ------------------------------------------------------------------

  Scenarie: Skærmen siger først, at tallene kommer fra en demonstrationsmodel
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så er linjen under overskriften "Demonstrationsmodel: trænet på syntetiske data, ikke på rigtige forløb; tallene viser, hvordan værktøjet virker, ikke hvad der virker for borgeren."
    Og står vurderingen lige under den

  # --- Rapportens retninger ----------------------------------------------------------------------

  Abstrakt Scenario: Ingen begrundelse siger det modsatte af rapporten (<kilde>)
    Givet en borger med standardoplysninger
    Og borgerens "<felt>" er "<værdi>"
    Når anbefalingen beregnes
    Så siger ingen begrundelse om "<felt>" det modsatte af rapportens retning

    Eksempler:
      | kilde    | felt                                         | værdi                        |
      | tabel 4  | danskuddannelse                              | danskuddannelse 3            |
      | tabel 4  | danskuddannelse                              | ingen                        |
      | figur 1  | højest gennemførte uddannelse fra hjemlandet | ingen                        |
      | afsnit 7 | højest gennemførte uddannelse fra hjemlandet | lang videregående uddannelse |
      | afsnit 7 | højest gennemførte uddannelse fra hjemlandet | erhvervsfaglig uddannelse    |

  # --- Tynde data --------------------------------------------------------------------------------

  Abstrakt Scenario: Et svar, som få tidligere borgere gav, giver en advarsel og aldrig et klart førstevalg
    Givet en borger med standardoplysninger
    Og borgerens "<felt>" er "<værdi>"
    Når anbefalingen beregnes
    Så advarer anbefalingen øverst om tynde data og nævner "<felt>"
    Og lyder vurderingen "Ingen klar forskel"

    Eksempler:
      | felt                                      | værdi     |
      | ønsker overordnet set at komme i arbejde  | nej       |
      | ægtefælle og familie bakker op om arbejde | slet ikke |
      | hjemmeboende børn under 18 år             | 6         |

  Abstrakt Scenario: Et almindeligt svar, som få af dem, der fik tilbuddet, gav, giver en advarsel og aldrig et klart førstevalg
    # Modellens estimat for et tilbud bygger på de tidligere borgere, der gav samme svar OG fik
    # tilbuddet. Standardborgeren søger bredt; det gjorde mange, men få af dem, der fik
    # virksomhedspraktik eller rådgivning.
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så gav mindst 10 tidligere borgere hvert af borgerens svar
    Og ændrer svaret på "<felt>" værdien af "<tilbud>" mindst tie-margenen i forhold til de anbefalede tilbud
    Og advarer anbefalingen øverst om tynde data: få tidligere borgere med svaret "<svar>" på "<felt>" fik "<tilbud>"
    Og lyder vurderingen "Ingen klar forskel"

    Eksempler:
      | svar | felt                               | tilbud             |
      | ja   | søger bredt ift. alle rimelige job | virksomhedspraktik |
      | ja   | søger bredt ift. alle rimelige job | rådgivning         |

  Scenarie: Et sjældent svar blandt dem, der fik et tilbud, giver ingen advarsel, når det ikke ændrer valget
    # Kun to af dem, der fik virksomhedspraktik, havde en uddannelsesplan. Men for modellen ændrer en
    # uddannelsesplan værdien af alle tilbud næsten lige meget; rækkefølgen hviler ikke på det svar.
    Givet en borger med standardoplysninger
    Og borgerens "søger bredt ift. alle rimelige job" er "delvist"
    Og borgerens "har en uddannelsesplan" er "ja"
    Når anbefalingen beregnes
    Så gav mindst 10 tidligere borgere hvert af borgerens svar
    Og havde færre end 10 af de tidligere borgere, der fik "virksomhedspraktik", svaret "ja" på "har en uddannelsesplan"
    Og ændrer svaret på "har en uddannelsesplan" værdien af "virksomhedspraktik" mindre end tie-margenen i forhold til de anbefalede tilbud
    Og advarer anbefalingen ikke om tynde data
    Og er det første tilbud et klart førstevalg

  Scenarie: En borger, der ikke ønsker arbejde, får hverken løntilskud eller virksomhedspraktik anbefalet
    Givet en borger med standardoplysninger
    Og borgerens "ønsker overordnet set at komme i arbejde" er "nej"
    Når anbefalingen beregnes
    Så giver reglen "Intet ønske om arbejde" typologien "Intet jobmål"
    Og anbefales "løntilskud" ikke
    Og anbefales "virksomhedspraktik" ikke
    Og er det første tilbud "rådgivning" eller "afklaringsforløb"

  Scenarie: Vurderingen øverst følger andelen for det første tilbud
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Så siger vurderingen "Klart førstevalg", når det første tilbud er bedst i mindst 60 % af genberegningerne og data ikke er tynde, og ellers "Ingen klar forskel"

  Scenarie: Begrundelserne nævner hverken kommune eller opholdstid
    Givet en borger med standardoplysninger
    Og borgerens "kommune" er "Rødovre"
    Og borgerens "opholdsanciennitet (år)" er "25"
    Når anbefalingen beregnes
    Så nævner ingen begrundelse "kommune" eller "opholdsanciennitet"

  # --- Invarians: dette ændrer intet ------------------------------------------------------------

  Abstrakt Scenario: <felt> ændrer intet i forslaget
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Og borgerens "<felt>" ændres til "<værdi>"
    Så er rangordningen, chancerne og andelene uændrede

    Eksempler:
      | felt        | værdi        |
      | borger-id   | P500-9999    |
      | køn         | mand         |
      | køn         | kvinde       |
      | vestlig / ikke-vestlig oprindelse | vestlig      |
      | vestlig / ikke-vestlig oprindelse | ikke-vestlig |
      | nationalitet | Syrien      |

  # --- Retning: dette må aldrig gå den forkerte vej ---------------------------------------------

  Abstrakt Scenario: At opfylde ét kriterium mere sænker aldrig chancen for job ved <tilbud>
    Givet en borger med standardoplysninger
    Og borgerens "<kriterium>" er "delvist"
    Når anbefalingen beregnes
    Og borgerens "<kriterium>" ændres til "ja"
    Så falder chancen for "ordinær beskæftigelse" ved "<tilbud>" ikke

    Eksempler:
      | kriterium                                                 | tilbud             |
      | er aktivt jobsøgende                                      | løntilskud         |
      | er aktivt jobsøgende                                      | virksomhedspraktik |
      | er geografisk mobil                                       | løntilskud         |
      | er geografisk mobil                                       | virksomhedspraktik |
      | søger bredt ift. alle rimelige job                        | løntilskud         |
      | søger bredt ift. alle rimelige job                        | virksomhedspraktik |

  Scenarie: En uddannelsesplan sænker aldrig chancen for uddannelse efter afklaringsforløb
    Givet en borger med standardoplysninger
    Og borgerens "jobmålets niveau" er "faglært"
    Når anbefalingen beregnes
    Og borgerens "har en uddannelsesplan" ændres til "ja"
    Så falder chancen for "uddannelse på ordinære vilkår" ved "afklaringsforløb" ikke

  Scenarie: Et faglært jobmål i stedet for et ufaglært sænker aldrig chancen for uddannelse efter afklaringsforløb
    Givet en borger med standardoplysninger
    Når anbefalingen beregnes
    Og borgerens "jobmålets niveau" ændres til "faglært"
    Så falder chancen for "uddannelse på ordinære vilkår" ved "afklaringsforløb" ikke

  Scenarie: Et fleksibelt, jobparat jobmål giver en større chance for job ved virksomhedspraktik end ved afklaringsforløb
    Givet en jobparat borger med fleksibelt jobmål
    Når anbefalingen beregnes
    Så er chancen for "ordinær beskæftigelse" ved "virksomhedspraktik" større end ved "afklaringsforløb"
