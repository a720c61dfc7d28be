# language: da
Egenskab: Hvem indsatsen er for, og hvad værktøjet ikke kan se
  Som rådgiver på jobcentret
  vil jeg se, når en borger ikke hører til målgruppen, når helbred eller sociale forhold begrænser
  muligheden for arbejde, og når intet tilbud ser ud til at passe,
  fordi projektet kom til "udelukkende at omfatte ægtefælleforsørgede borgere uden for
  integrationsperioden", og allerede erhvervsaktive borgere blev "visiteret til andre indsatser".
  Rådgiveren beslutter; tilbuddene vises stadig nedenunder, til orientering.

  Baggrund:
    Givet en borger med disse svar:
      | felt                                                     | svar              |
      | borger-id                                                | P500-MG-01        |
      | kommune                                                  | Aarhus            |
      | opholdsanciennitet (år)                                  | 4                 |
      | hjemmeboende børn under 18 år                            | 2                 |
      | danskuddannelse                                          | danskuddannelse 2 |
      | højest gennemførte uddannelse fra hjemlandet             | grundskole        |
      | erhvervskompetencegivende uddannelse fra Danmark         | ingen             |
      | kontaktform                                              | opsøgende kontakt |
      | er aktivt jobsøgende                                     | delvist           |
      | er geografisk mobil                                      | ja                |
      | søger bredt ift. alle rimelige job                       | ja                |
      | kan påbegynde ethvert rimeligt arbejde inden for 14 dage | ja                |
      | ønsker overordnet set at komme i arbejde                 | ja                |
      | sproglige færdigheder tilstrækkelige til realistisk arbejde | i nogen grad   |
      | ægtefælle og familie bakker op om arbejde                | i høj grad        |
      | bruger netværk uden for hjemmet i jobsøgningen           | i nogen grad      |
      | jobmålets niveau                                         | ufaglært          |
      | har en uddannelsesplan                                   | nej               |

  Scenarie: En borger i integrationsprogrammet er uden for målgruppen, og tilbuddene vises til orientering
    Givet borgerens "omfattet af integrationsprogrammet" er "ja"
    Når anbefalingen laves
    Så er vurderingen "outside_target_group"
    Og nævner vurderingen "integrationsprogrammet"
    Og vises alle fire tilbud stadig, rangeret
    Og vises rangordningens egen vurdering til orientering

  Scenarie: En borger, der opfylder alle fem kriterier, er allerede erhvervsaktiv
    Givet borgerens "er aktivt jobsøgende" er "ja"
    Når anbefalingen laves
    Så er vurderingen "already_active"
    Og nævner vurderingen "andre indsatser"
    Og vises alle fire tilbud stadig, rangeret

  Scenarie: Integrationsprogrammet går forud for de fem kriterier
    Givet borgerens "er aktivt jobsøgende" er "ja"
    Og borgerens "omfattet af integrationsprogrammet" er "ja"
    Når anbefalingen laves
    Så er vurderingen "outside_target_group"

  Abstrakt Scenario: Kun et "ja" til integrationsprogrammet placerer borgeren uden for målgruppen
    Givet borgerens "omfattet af integrationsprogrammet" er "<svar>"
    Når anbefalingen laves
    Så er vurderingen ikke "outside_target_group"

    Eksempler:
      | svar    |
      | nej     |
      | uoplyst |

  Abstrakt Scenario: Helbredsmæssige eller sociale forhold giver en note og fraråder løntilskud og praktik
    Givet borgerens "helbredsmæssige eller sociale forhold begrænser muligheden for arbejde" er "<grad>"
    Når anbefalingen laves
    Så er noten om "social- eller sundhedsfaglig indsats" vist: "<note>"
    Og "løntilskud" frarådes: "<frarådes>"
    Og "virksomhedspraktik" frarådes: "<frarådes>"
    Og "rådgivning" frarådes: "nej"

    Eksempler:
      | grad          | note | frarådes |
      | slet ikke     | nej  | nej      |
      | i mindre grad | nej  | nej      |
      | i nogen grad  | ja   | nej      |
      | i høj grad    | ja   | ja       |
      | uoplyst       | nej  | nej      |

  Abstrakt Scenario: "Intet tilbud passer", præcis når hvert anbefalet tilbud har mindst tærsklens chance for anden årsag
    Givet borgerens "helbredsmæssige eller sociale forhold begrænser muligheden for arbejde" er "i høj grad"
    Og reglernes tærskel for "anden årsag" er "<tærskel>"
    Når anbefalingen laves
    Så er vurderingen "no_offer_fits" præcis når hvert anbefalet tilbuds chance for "anden årsag" er mindst "<tærskel>"
    Og er vurderingen "<vurdering>"

    Eksempler:
      | tærskel | vurdering      |
      | 0.001   | no_offer_fits  |
      | 1       | ikke no_offer_fits |
